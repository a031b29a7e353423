package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.SudoAccess;
import io.pgofflinebackup.pull.TarSender;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code restore --upload-from DIR/<id>}: restores a backup that lies on this machine (a
 * {@code --pull-to} backup). It is streamed as a tar into a staging directory beside PGDATA on the
 * database host ({@link #stagingPath}), and the usual restore runs from there: the backup is
 * verified against its manifest before anything is touched, the old data directory is moved aside,
 * and a failure rolls back. The staging copy is removed afterwards, whatever the outcome (the
 * original is the local backup, which is only read), except while the restore runner may still read
 * it: then a client that re-attaches ({@link RestoreJob#reattach}) removes it once the run has ended.
 */
public final class UploadedRestore {
    private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z(-[0-9]+)?");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final RestoreRequest request;
    private final Path localBackup;
    private final ProgressListener listener;
    private volatile RestoreJob job;
    private volatile boolean aborted;

    /** {@code request.backup()} must be {@link #stagingPath}{@code (pgdata, id)} of that local backup. */
    public UploadedRestore(RestoreRequest request, Path localBackup, ProgressListener listener) {
        this.request = request;
        this.localBackup = localBackup.toAbsolutePath().normalize();
        this.listener = listener;
    }

    /**
     * Where the upload of backup {@code id} lands on the database host: a hidden directory beside
     * PGDATA (on its file system, which the restore needs room on anyway), named for the backup.
     */
    public static String stagingPath(String pgdata, String id) {
        Path data = Path.of(pgdata).normalize();
        Path parent = data.getParent() == null ? Path.of("/") : data.getParent();
        return parent.resolve("." + data.getFileName() + ".upload-" + id).toString();
    }

    /** The backup id of a local backup directory: its name, which only a sealed backup has. */
    public static String idOf(Path localBackup) {
        Path name = localBackup.toAbsolutePath().normalize().getFileName();
        String id = name == null ? "" : name.toString();
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("--upload-from must name a complete backup directory (DIR/<id>, such as"
                    + " /backups/20250101T000000Z), not " + localBackup + "; a .partial directory is never a backup");
        }
        return id;
    }

    public void abort() {
        aborted = true;
        RestoreJob running = job;
        if (running != null) {
            running.abort();
        }
    }

    public RestoreResult run() {
        String staging = request.backup();
        String host = request.connection().target().host();
        try {
            check(staging);
            try (SshSession ssh = request.connection().connector(listener::warn).connect()) {
                if (request.service().sudo()) {
                    SudoAccess.become(ssh, List.of(request.pgdata()));
                }
                upload(ssh, staging);
                boolean runnerMayRead = false;
                try {
                    if (aborted) {
                        throw new JobFailure(ErrorCode.ABORTED, "aborted after the upload, before anything was touched");
                    }
                    job = new RestoreJob(request, listener);
                    RestoreResult r = job.run();
                    runnerMayRead = r.logPath() != null && RestoreJob.runnerMayGoOn(r.errorCode());
                    // Restored from the local backup; the staging copy is about to go.
                    return new RestoreResult(r.ok(), r.host(), localBackup.toString(), r.pgdata(), r.movedAsideTo(),
                            r.failedRestoreAt(), r.rolledBack(), r.downtimeMillis(), r.databaseRunning(), r.errorCode(),
                            r.errorMessage(), r.logPath(), r.warnings(), r.exitCode(), r.alsoMovedAside());
                } finally {
                    if (runnerMayRead) {
                        // Removed under a runner that still copies from it, the restore would fail halfway.
                        listener.warn(RestoreJob.leftWhileRunnerMayRead("the uploaded copy " + staging, request,
                                job.runId()));
                    } else {
                        removeStaging(ssh, staging);
                    }
                }
            }
        } catch (JobFailure failure) {
            return failed(host, failure.code(), failure.getMessage());
        } catch (IOException e) {
            return failed(host, ErrorCode.CONNECTION_FAILED, "uploading " + localBackup + " failed: " + e.getMessage()
                    + ". Nothing was changed");
        }
    }

    private void check(String staging) throws JobFailure {
        String id;
        try {
            id = idOf(localBackup);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.BAD_INPUT, e.getMessage(), e);
        }
        if (!staging.equals(stagingPath(request.pgdata(), id))) {
            throw new JobFailure(ErrorCode.BAD_INPUT, "internal: the restore must read " + stagingPath(request.pgdata(), id));
        }
        if (!Files.isDirectory(localBackup, LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailure(ErrorCode.BACKUP_NOT_FOUND, "no backup directory " + localBackup + " on this machine."
                    + " Nothing was done");
        }
        if (!Files.isRegularFile(localBackup.resolve("manifest.json"), LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailure(ErrorCode.BACKUP_INCOMPLETE, localBackup + " has no manifest.json: it is not a"
                    + " complete backup. Nothing was done");
        }
        RestoreJob.check(request);
    }

    /** Streams the local backup into a new staging directory; nothing else on the host is touched. */
    private void upload(SshSession ssh, String staging) throws JobFailure, IOException {
        listener.phase("upload", "uploading " + localBackup + " to " + staging + " on "
                + request.connection().target().display() + " (the restore verifies it there before touching anything)");
        ExecResult made = ssh.exec("umask 077 && mkdir -- " + ShellQuote.quote(staging), null, COMMAND_TIMEOUT);
        if (!made.ok()) {
            throw new JobFailure(ErrorCode.TARGET_NOT_USABLE, "cannot create the staging directory " + staging
                    + " on the host: " + made.firstErrorLine() + (made.stderr().contains("File exists")
                    ? " (left by an earlier upload that was cut short: remove it)" : "") + ". Nothing was done");
        }
        long[] bytes = new long[1];
        ExecResult result;
        try {
            result = ssh.execWriting("tar -C " + ShellQuote.quote(staging) + " --no-same-owner -xpf -",
                    out -> bytes[0] = new TarSender(localBackup).send(out), COMMAND_TIMEOUT);
        } catch (IOException e) {
            removeStaging(ssh, staging);
            throw e;
        }
        if (!result.ok()) {
            removeStaging(ssh, staging);
            throw new JobFailure(ErrorCode.TARGET_NOT_USABLE, "writing the upload into " + staging + " failed: "
                    + result.firstErrorLine() + ". Nothing was changed");
        }
        listener.info("uploaded " + Bytes.human(bytes[0]) + " to " + staging);
    }

    private void removeStaging(SshSession ssh, String staging) {
        try {
            remove(ssh, staging);
        } catch (IOException e) {
            listener.warn("cannot remove the staging copy " + staging + " on the host: " + e.getMessage()
                    + "; remove it by hand");
        }
    }

    /** Removes a staging copy; tar may have given its directories modes that forbid that to their owner. */
    static void remove(SshSession ssh, String staging) throws IOException {
        // Only the directory an upload created, named for it; never anything else.
        ssh.exec("chmod -R u+rwx -- " + ShellQuote.quote(staging) + " 2>/dev/null; rm -rf -- "
                + ShellQuote.quote(staging), null, Duration.ofMinutes(10));
    }

    private RestoreResult failed(String host, ErrorCode code, String message) {
        // Nothing of the target was touched before the restore runner starts, and that one reports itself.
        return new RestoreResult(false, host, localBackup.toString(), request.pgdata(), null, null, false, 0, null,
                code, message, null, List.of(), 2);
    }
}
