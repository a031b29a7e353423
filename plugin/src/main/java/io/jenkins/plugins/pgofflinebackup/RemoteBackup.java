package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.TaskListener;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupRecords;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs one backup with the engine in the JVM of {@link EngineHost}, or follows one an earlier
 * session started (after a controller restart), and then copies the backup's records (manifest,
 * backup_manifest, log) into a temporary directory there, for the controller to archive with the
 * build. The data itself never leaves the database host.
 */
final class RemoteBackup extends RemoteJob<BackupOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(RemoteBackup.class.getName());

    private final BackupSpec spec;
    @CheckForNull
    private final String reattachTo;

    private RemoteBackup(String key, BackupSpec spec, @CheckForNull String reattachTo, SshLogin login,
            HostKeySpec hostKey, TaskListener listener) {
        super(key, "pgOfflineBackup", spec.connection(), login, hostKey, listener);
        this.spec = spec;
        this.reattachTo = reattachTo;
    }

    /** A new backup. */
    static RemoteBackup start(String key, BackupSpec spec, SshLogin login, HostKeySpec hostKey, TaskListener listener) {
        return new RemoteBackup(key, spec, null, login, hostKey, listener);
    }

    /** Follows the run {@code backupId} in the spec's destination to its end, or reports how it ended. */
    static RemoteBackup reattach(String key, BackupSpec spec, String backupId, SshLogin login, HostKeySpec hostKey,
            TaskListener listener) {
        return new RemoteBackup(key, spec, backupId, login, hostKey, listener);
    }

    /** The backup id this follows, or null for a new backup. */
    @CheckForNull
    String reattachTo() {
        return reattachTo;
    }

    @Override
    BackupOutcome run(Login login, ProgressListener listener, ActiveJobs.Entry entry) throws IOException {
        // A backup host is reached from the database host, not from here: the engine keeps its records
        // from the database host's side before the run's files go there.
        Path kept = spec.destHost() == null ? null : Files.createTempDirectory("pg-offline-backup-kept-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            return run(login, listener, entry, kept);
        } finally {
            if (kept != null) {
                deleteTree(kept);
            }
        }
    }

    private BackupOutcome run(Login login, ProgressListener listener, ActiveJobs.Entry entry, @CheckForNull Path kept)
            throws IOException {
        BackupResult result;
        if (reattachTo == null) {
            BackupRequest request;
            try {
                request = spec.toRequest(login.user(), login.credentials(), login.hostKeyPolicy());
            } catch (IllegalArgumentException e) {
                throw new AbortException(e.getMessage());
            }
            BackupJob job = new BackupJob(request, listener);
            job.keepRecordsIn(kept);
            entry.onAbort(job::abort);
            result = job.run();
        } else {
            // A run started with sudo keeps its files as the cluster owner: follow it as that owner too.
            BackupJob job = BackupJob.forReattach(
                    connection().settings(login.user(), login.credentials(), login.hostKeyPolicy()),
                    spec.sudo() ? spec.pgdata() : null, listener);
            job.keepRecordsIn(kept);
            entry.onAbort(job::abort);
            result = job.reattach(spec.dest(), reattachTo);
        }
        if (!result.ok() || result.backupPath() == null) {
            return BackupOutcome.of(result);
        }
        return withRecords(result, login, listener, kept);
    }

    /** A failure to copy the records leaves the backup as good as it is: it is said, not thrown. */
    private BackupOutcome withRecords(BackupResult result, Login login, ProgressListener listener,
            @CheckForNull Path kept) throws IOException {
        listener.phase("records", "copying the records of " + result.backupPath() + " (manifest.json, backup_manifest,"
                + " backup.log) to archive them with the build");
        Path dir = Files.createTempDirectory("pg-offline-backup-records-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            List<Path> files;
            if (spec.pullTo() != null) {
                files = copyLocalRecords(Path.of(result.backupPath()), dir);
            } else if (kept != null) {
                files = copyLocalRecords(kept, dir);
                if (files.isEmpty()) {
                    deleteTree(dir);
                    return BackupOutcome.of(result, null, List.of(), "the records of " + result.backupPath()
                            + " could not be copied here (see the warnings above); they are beside the backup on the"
                            + " backup host");
                }
            } else {
                files = BackupRecords.fetch(connection().settings(login.user(), login.credentials(),
                        login.hostKeyPolicy()), result.backupPath(), dir, listener::warn, spec.sudo());
            }
            List<String> names = new ArrayList<>();
            for (Path file : files) {
                names.add(file.getFileName().toString());
            }
            return BackupOutcome.of(result, dir.toString(), names, null);
        } catch (JobFailure e) {
            deleteTree(dir);
            return BackupOutcome.of(result, null, List.of(), e.getMessage());
        }
    }

    /**
     * A pulled backup lies on this machine already, and the records of a backup on a backup host were kept
     * here by the engine: they are copied, not fetched.
     */
    private static List<Path> copyLocalRecords(Path backup, Path dir) throws IOException {
        List<Path> copied = new ArrayList<>();
        for (String name : BackupRecords.NAMES) {
            Path source = backup.resolve(name);
            if (Files.isRegularFile(source)) {
                copied.add(Files.copy(source, dir.resolve(name)));
            }
        }
        return copied;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Only a temporary directory of records is left behind; the backup is unaffected.
            LOGGER.log(Level.WARNING, "could not remove " + dir, e);
        }
    }
}
