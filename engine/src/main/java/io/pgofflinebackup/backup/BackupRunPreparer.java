package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Claims a fresh backup id in the destination by creating its partial and run directories. */
final class BackupRunPreparer {
    private static final DateTimeFormatter ID_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private BackupRunPreparer() {
    }

    /** The id is the UTC time, with a suffix when taken. */
    static RemoteRun prepare(SshSession ssh, String dest, Clock clock) throws JobFailure, IOException {
        String base = ID_FORMAT.format(clock.instant());
        for (int attempt = 1; attempt <= 20; attempt++) {
            String id = attempt == 1 ? base : base + "-" + attempt;
            RemoteRun run = new RemoteRun(dest, id);
            // mkdir is atomic: of two runs racing for one id, exactly one gets it.
            String command = "umask 077 && test ! -e " + ShellQuote.quote(run.finalDir()) + " && mkdir -- "
                    + ShellQuote.quote(run.partialDir()) + " && mkdir -- " + ShellQuote.quote(run.runDir());
            ExecResult result = ssh.exec(command, null, Duration.ofSeconds(60));
            if (result.ok()) {
                return run;
            }
            if (!result.stderr().contains("File exists") && !result.stderr().isBlank()) {
                throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot create the backup directory in " + dest
                        + ": " + result.firstErrorLine());
            }
        }
        throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot find a free backup id in " + dest);
    }

    /**
     * For a copy that goes to another host: the id is claimed by its run directory in {@code runRoot}
     * on the database host (the runner claims the partial directory on the backup host before the stop).
     */
    static RemoteRun prepareOffHost(SshSession ssh, String dest, String runRoot, Clock clock)
            throws JobFailure, IOException {
        return new RemoteRun(dest, claimRunDirectory(ssh, runRoot, clock), runRoot);
    }

    /**
     * Claims a fresh id for a run whose copy leaves the database host (--dest-host, --pull-to) by
     * creating {@code <runRoot>/<id>} there (mkdir is atomic: of two runs racing, one gets it).
     */
    static String claimRunDirectory(SshSession ssh, String runRoot, Clock clock) throws JobFailure, IOException {
        String base = ID_FORMAT.format(clock.instant());
        for (int attempt = 1; attempt <= 20; attempt++) {
            String id = attempt == 1 ? base : base + "-" + attempt;
            ExecResult result = ssh.exec("umask 077 && mkdir -- " + ShellQuote.quote(runRoot + "/" + id), null,
                    Duration.ofSeconds(60));
            if (result.ok()) {
                return id;
            }
            if (!result.stderr().contains("File exists")) {
                throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot create the run directory in " + runRoot
                        + " on the database host: " + result.firstErrorLine());
            }
        }
        throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot find a free backup id in " + runRoot);
    }
}
