package io.pgofflinebackup.verify;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.ServiceSettings;
import io.pgofflinebackup.ssh.SshSession;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One verification of a backup on its host, shaped like the other jobs for front ends that run
 * jobs (the Jenkins plugin): connect, verify, and a result that says what was found, or why
 * nothing could be checked. It only reads. {@link #abort()} may be called from another thread.
 */
public final class VerifyJob {
    private static final Duration VERIFY_TIMEOUT = Duration.ofHours(12);

    private final ConnectionSettings connection;
    private final ProgressListener listener;
    private final AtomicBoolean abortRequested = new AtomicBoolean();
    private final AtomicReference<SshSession> session = new AtomicReference<>();

    public VerifyJob(ConnectionSettings connection, ProgressListener listener) {
        this.connection = connection;
        this.listener = listener;
    }

    /**
     * Stops a running verification by closing its connection; verify.sh only reads, so nothing on
     * the host needs undoing.
     */
    public void abort() {
        abortRequested.set(true);
        SshSession current = session.get();
        if (current != null) {
            current.close();
        }
    }

    /**
     * @param pgBin where pg_verifybackup is on the host, or null to skip it
     * @return the report, or why there is none; never throws for a failure
     */
    public Result verify(String backupDir, BackupVerifier.Mode mode, String pgBin) {
        try {
            try {
                ServiceSettings.absolutePath("--backup", backupDir);
                if (pgBin != null) {
                    ServiceSettings.absolutePath("--pg-bin", pgBin);
                }
            } catch (IllegalArgumentException e) {
                throw new JobFailure(ErrorCode.BAD_INPUT, e.getMessage(), e);
            }
            listener.phase("connect", "connecting to " + connection.target().display());
            try (SshSession ssh = connection.connector(listener::warn).connect()) {
                session.set(ssh);
                if (abortRequested.get()) {
                    throw new JobFailure(ErrorCode.ABORTED, "verification of " + backupDir + " aborted");
                }
                listener.phase("verify", "verifying " + backupDir + " against its manifest ("
                        + (mode == BackupVerifier.Mode.CHECKSUMS ? "every file's SHA-256" : "list and sizes only")
                        + "); this only reads");
                VerifyReport report = new BackupVerifier(ssh, VERIFY_TIMEOUT).verify(backupDir, mode, null, pgBin);
                listener.info("backup " + backupDir + ": " + report.summary() + "; pg_verifybackup: "
                        + report.pgVerifybackup());
                return new Result(backupDir, report, null, null);
            } finally {
                session.set(null);
            }
        } catch (JobFailure failure) {
            ErrorCode code = abortRequested.get() ? ErrorCode.ABORTED : failure.code();
            String message = abortRequested.get() ? "verification of " + backupDir + " aborted" : failure.getMessage();
            return new Result(backupDir, null, code, message);
        }
    }

    /**
     * How a verification ended: a report when the backup could be read (valid or not), otherwise
     * the error that kept it from being checked.
     */
    public record Result(String backup, VerifyReport report, ErrorCode errorCode, String errorMessage) {

        /** The backup was checked and may be used. */
        public boolean valid() {
            return report != null && report.valid();
        }

        /** As the CLI's verify: 0 valid, 1 checked and not valid, 2 could not be checked. */
        public int exitCode() {
            if (report == null) {
                return 2;
            }
            return report.valid() ? 0 : 1;
        }
    }
}
