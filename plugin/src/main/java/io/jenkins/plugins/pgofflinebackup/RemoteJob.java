package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.TaskListener;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import jenkins.security.MasterToSlaveCallable;

/**
 * One engine job, run in the JVM of {@link EngineHost} (the agent inside {@code node}). What every
 * job needs is done here: the login is turned into the engine's credentials and wiped afterwards,
 * the host key check becomes the engine's policy (with a file of trusted keys for trust on first
 * use), progress goes to the build log, and the job can be asked for its status and aborted by its
 * key ({@link JobControl}).
 *
 * @param <O> what the job reports, in a form that travels back to the controller
 */
abstract class RemoteJob<O extends Serializable> extends MasterToSlaveCallable<RemoteJob.Returned<O>, IOException> {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String label;
    private final Connection connection;
    private final SshLogin login;
    private final HostKeySpec hostKey;
    private final TaskListener listener;

    /**
     * @param label the step's name, which starts every line it writes into the build log
     */
    RemoteJob(String key, String label, Connection connection, SshLogin login, HostKeySpec hostKey,
            TaskListener listener) {
        this.key = key;
        this.label = label;
        this.connection = connection;
        this.login = login;
        this.hostKey = hostKey;
        this.listener = listener;
    }

    /** The job's outcome, with the trusted keys after it for trust on first use (else null). */
    record Returned<O extends Serializable>(O outcome, @CheckForNull String trustedKeys) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The secrets and the host key policy, where the engine runs. */
    record Login(String user, SshCredentials credentials, HostKeyPolicy hostKeyPolicy) {
    }

    @Override
    public final Returned<O> call() throws IOException {
        ActiveJobs.Entry entry = ActiveJobs.open(key);
        Path trustFile = null;
        try {
            if (hostKey.kind() == HostKeySpec.Kind.TRUST_ON_FIRST_USE) {
                // The controller's trusted keys, for the engine to check against and append to.
                trustFile = Files.createTempFile("pg-offline-backup-", ".known_hosts",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(trustFile, hostKey.trustedKeys() == null ? "" : hostKey.trustedKeys(),
                        StandardCharsets.UTF_8);
            }
            Login engineLogin;
            try {
                engineLogin = new Login(login.username(), login.toSshCredentials(), hostKey.toPolicy(trustFile));
            } catch (IllegalArgumentException e) {
                throw new AbortException(e.getMessage());
            }
            ProgressListener log = new BuildLogProgress(listener.getLogger(), label, connection.host(),
                    login.usernameSecret() ? login.username() : null, Clock.systemUTC());
            O outcome = run(engineLogin, ProgressListener.both(log, entry.tracker), entry);
            String trusted = trustFile == null ? null : Files.readString(trustFile, StandardCharsets.UTF_8);
            return new Returned<>(outcome, trusted);
        } finally {
            login.wipe();
            ActiveJobs.close(key);
            if (trustFile != null) {
                Files.deleteIfExists(trustFile);
            }
        }
    }

    /**
     * Runs the job with the engine. Failures of the job come back in the outcome; an exception
     * means no outcome could be had.
     *
     * @param entry register how to abort the job with {@link ActiveJobs.Entry#onAbort}
     */
    abstract O run(Login login, ProgressListener listener, ActiveJobs.Entry entry) throws IOException;

    Connection connection() {
        return connection;
    }
}
