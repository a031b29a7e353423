package io.pgofflinebackup.runner;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Puts a runner's scripts and params into its directory on the host and starts it detached from
 * our SSH connection.
 */
public final class RunnerLauncher {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SshSession ssh;

    public RunnerLauncher(SshSession ssh) {
        this.ssh = ssh;
    }

    /**
     * Uploads lib.sh, critical.sh, the given scripts and the params into the run directory (which
     * must exist, mode 0700), writes the log so far, and starts the handle's script; returns its pid.
     */
    public long launch(RunnerHandle run, List<String> scripts, RunnerParams params, String logPath, byte[] logSoFar,
            String mode) throws JobFailure, IOException {
        upload(run.runDir() + "/lib.sh", RemoteScripts.lib());
        upload(run.runDir() + "/critical.sh", RemoteScripts.script("critical.sh"));
        for (String script : scripts) {
            upload(run.runDir() + "/" + script, RemoteScripts.script(script));
        }
        upload(run.paramsFile(), params.toBytes());
        upload(logPath, logSoFar);
        // setsid puts the runner in its own session, and with every descriptor redirected the SSH
        // channel closes at once: the runner no longer depends on this connection.
        // umask first: the shell creates runner.out before the runner sets its own.
        String command = "umask 077 && setsid sh " + ShellQuote.quote(run.scriptPath()) + " " + ShellQuote.quote(run.runDir())
                + " " + ShellQuote.quote(mode) + " </dev/null >>" + ShellQuote.quote(run.runDir() + "/runner.out")
                + " 2>&1 & echo $!";
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

    /** Removes a finished run's own directory (its scripts and state; never data). */
    public void cleanUp(RunnerHandle run) throws IOException {
        ssh.exec("rm -rf -- " + ShellQuote.quote(run.runDir()), null, TIMEOUT);
    }
}
