package io.jenkins.plugins.pgofflinebackup;

import hudson.AbortException;
import hudson.model.TaskListener;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import jenkins.security.MasterToSlaveCallable;

/**
 * Runs one backup with the engine, in the JVM of {@link EngineHost}: on the agent inside
 * {@code node}. Progress goes to the build's listener, which writes through the channel into the
 * build log.
 */
final class RemoteBackup extends MasterToSlaveCallable<BackupOutcome, IOException> {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final BackupSpec spec;
    private final SshLogin login;
    private final HostKeySpec hostKey;
    private final TaskListener listener;

    RemoteBackup(String key, BackupSpec spec, SshLogin login, HostKeySpec hostKey, TaskListener listener) {
        this.key = key;
        this.spec = spec;
        this.login = login;
        this.hostKey = hostKey;
        this.listener = listener;
    }

    @Override
    public BackupOutcome call() throws IOException {
        ActiveBackups.Entry entry = ActiveBackups.open(key);
        Path trustFile = null;
        try {
            if (hostKey.kind() == HostKeySpec.Kind.TRUST_ON_FIRST_USE) {
                // The controller's trusted keys, for the engine to check against and append to.
                trustFile = Files.createTempFile("pg-offline-backup-", ".known_hosts",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(trustFile, hostKey.trustedKeys() == null ? "" : hostKey.trustedKeys(),
                        StandardCharsets.UTF_8);
            }
            BackupRequest request;
            try {
                request = spec.toRequest(login.username(), login.toSshCredentials(), hostKey.toPolicy(trustFile));
            } catch (IllegalArgumentException e) {
                throw new AbortException(e.getMessage());
            }
            ProgressListener log = new BuildLogProgress(listener.getLogger(), spec.host(),
                    login.usernameSecret() ? login.username() : null, Clock.systemUTC());
            BackupJob job = new BackupJob(request, new Both(log, entry.tracker));
            entry.attach(job);
            BackupResult result = job.run();
            String trusted = trustFile == null ? null : Files.readString(trustFile, StandardCharsets.UTF_8);
            return BackupOutcome.of(result, trusted);
        } finally {
            login.wipe();
            ActiveBackups.close(key);
            if (trustFile != null) {
                Files.deleteIfExists(trustFile);
            }
        }
    }

    /** Tells two listeners the same, in order. */
    private static final class Both implements ProgressListener {
        private final ProgressListener first;
        private final ProgressListener second;

        Both(ProgressListener first, ProgressListener second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void phase(String phase, String message) {
            first.phase(phase, message);
            second.phase(phase, message);
        }

        @Override
        public void info(String message) {
            first.info(message);
            second.info(message);
        }

        @Override
        public void warn(String message) {
            first.warn(message);
            second.warn(message);
        }

        @Override
        public void copyProgress(long bytesDone, long bytesTotal) {
            first.copyProgress(bytesDone, bytesTotal);
            second.copyProgress(bytesDone, bytesTotal);
        }
    }
}
