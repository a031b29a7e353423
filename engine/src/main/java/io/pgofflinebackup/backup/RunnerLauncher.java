package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Resources;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Prepares a run on the host (its partial and run directories, the runner script and its params)
 * and starts the runner detached from our SSH connection.
 */
final class RunnerLauncher {
    private static final byte[] RUNNER = Resources.read(RunnerLauncher.class, "/io/pgofflinebackup/remote/runner.sh");
    private static final DateTimeFormatter ID_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SshSession ssh;
    private final Clock clock;

    RunnerLauncher(SshSession ssh, Clock clock) {
        this.ssh = ssh;
        this.clock = clock;
    }

    /** Creates the run's directories under a fresh id: the UTC time, with a suffix if taken. */
    RemoteRun prepare(String dest) throws JobFailure, IOException {
        String base = ID_FORMAT.format(clock.instant());
        for (int attempt = 1; attempt <= 20; attempt++) {
            String id = attempt == 1 ? base : base + "-" + attempt;
            RemoteRun run = new RemoteRun(dest, id);
            // mkdir is atomic: of two runs racing for one id, exactly one gets it.
            String command = "umask 077 && test ! -e " + ShellQuote.quote(run.finalDir()) + " && mkdir -- "
                    + ShellQuote.quote(run.partialDir()) + " && mkdir -- " + ShellQuote.quote(run.runDir());
            ExecResult result = ssh.exec(command, null, TIMEOUT);
            if (result.ok()) {
                return run;
            }
            if (!result.stderr().contains("File exists") && result.stderr().strip().length() > 0) {
                throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot create the backup directory in " + dest
                        + ": " + result.firstErrorLine());
            }
        }
        throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot find a free backup id in " + dest);
    }

    /** Uploads the runner, its params and the log so far, then starts it; returns its pid. */
    long launch(RemoteRun run, RunnerParams params, byte[] logSoFar) throws JobFailure, IOException {
        upload(run.runnerScript(), RUNNER);
        upload(run.paramsFile(), params.toBytes());
        upload(run.partialLog(), logSoFar);
        // setsid puts the runner in its own session, and with every descriptor redirected the SSH
        // channel closes at once: the runner no longer depends on this connection.
        String command = "setsid sh " + ShellQuote.quote(run.runnerScript()) + " " + ShellQuote.quote(run.runDir())
                + " backup </dev/null >>" + ShellQuote.quote(run.runDir() + "/runner.out") + " 2>&1 & echo $!";
        ExecResult result = ssh.exec(command, null, TIMEOUT);
        String pid = result.stdout().strip();
        if (!result.ok() || !pid.matches("\\d+")) {
            throw new JobFailure(ErrorCode.RUNNER_ERROR, "cannot start the runner on the host: "
                    + result.firstErrorLine());
        }
        return Long.parseLong(pid);
    }

    private void upload(String path, byte[] content) throws JobFailure, IOException {
        ExecResult result = ssh.exec("umask 077 && cat > " + ShellQuote.quote(path), content, TIMEOUT);
        if (!result.ok()) {
            throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot write " + path + " on the host: "
                    + result.firstErrorLine());
        }
    }

    /** Removes a finished run's own files (never the backup, never a partial copy). */
    void cleanUp(RemoteRun run) throws IOException {
        ssh.exec("rm -rf -- " + ShellQuote.quote(run.runDir()), null, TIMEOUT);
    }
}
