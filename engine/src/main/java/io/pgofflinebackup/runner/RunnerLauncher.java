package io.pgofflinebackup.runner;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a runner's scripts and params into its directory on the host and starts it detached from
 * our SSH connection.
 */
public final class RunnerLauncher {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The exit status of the launch command when a file could not be written. */
    private static final int UPLOAD_FAILED = 97;

    private final SshSession ssh;

    public RunnerLauncher(SshSession ssh) {
        this.ssh = ssh;
    }

    /**
     * Uploads lib.sh, critical.sh, follow.sh (for RunnerMonitor), the given scripts and the params
     * into the run directory (which must exist, mode 0700), writes the log so far, and starts the
     * handle's script; returns its pid. All of it is one SSH command (one round trip and one remote
     * shell, not one per file): the files travel one after the other on its stdin, each cut off by
     * {@code head -c} at its length (GNU head reads no byte beyond it).
     */
    public long launch(RunnerHandle run, List<String> scripts, RunnerParams params, String logPath, byte[] logSoFar,
            String mode) throws JobFailure, IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(run.runDir() + "/lib.sh", RemoteScripts.lib());
        files.put(run.runDir() + "/critical.sh", RemoteScripts.script("critical.sh"));
        files.put(run.followScript(), RemoteScripts.follow());
        for (String script : scripts) {
            files.put(run.runDir() + "/" + script, RemoteScripts.script(script));
        }
        files.put(run.paramsFile(), params.toBytes());
        files.put(logPath, logSoFar);
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        StringBuilder command = writing(files, stdin);
        // setsid puts the runner in its own session, and with every descriptor redirected the SSH
        // channel closes at once: the runner no longer depends on this connection.
        // umask first: the shell creates runner.out before the runner sets its own.
        command.append(" || exit ").append(UPLOAD_FAILED).append("; setsid sh ").append(ShellQuote.quote(run.scriptPath()))
                .append(' ').append(ShellQuote.quote(run.runDir())).append(' ').append(ShellQuote.quote(mode))
                .append(" </dev/null >>").append(ShellQuote.quote(run.runDir() + "/runner.out")).append(" 2>&1 & echo $!");
        ExecResult result = ssh.exec(command.toString(), stdin.toByteArray(), TIMEOUT);
        if (result.exitStatus() == UPLOAD_FAILED) {
            throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot write the runner's files into " + run.runDir()
                    + " on the host: " + result.firstErrorLine());
        }
        String pid = result.stdout().strip();
        if (!result.ok() || !pid.matches("\\d+")) {
            throw new JobFailure(ErrorCode.RUNNER_ERROR, "cannot start the runner on the host: "
                    + result.firstErrorLine());
        }
        return Long.parseLong(pid);
    }

    /**
     * Writes follow.sh into a run's directory again, for a client that re-attaches to a run whose
     * follower removed it at the end (a restore's run directory stays, as its record).
     */
    public void putFollowScript(RunnerHandle run) throws JobFailure, IOException {
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        StringBuilder command = writing(Map.of(run.followScript(), RemoteScripts.follow()), stdin);
        ExecResult result = ssh.exec(command.toString(), stdin.toByteArray(), TIMEOUT);
        if (!result.ok()) {
            throw new JobFailure(ErrorCode.RUNNER_ERROR, "cannot write follow.sh into " + run.runDir() + " to read the"
                    + " run's state: " + result.firstErrorLine());
        }
    }

    /**
     * The command that writes {@code files} (mode 0600) from its stdin, which this fills: one after the
     * other, each cut off by {@code head -c} at its length (GNU head reads no byte beyond it).
     */
    private static StringBuilder writing(Map<String, byte[]> files, ByteArrayOutputStream stdin) {
        StringBuilder command = new StringBuilder("umask 077");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            command.append(" && head -c ").append(file.getValue().length).append(" > ")
                    .append(ShellQuote.quote(file.getKey()));
            stdin.writeBytes(file.getValue());
        }
        return command;
    }

    /** Removes a finished run's own directory (its scripts and state; never data). */
    public void cleanUp(RunnerHandle run) throws IOException {
        ssh.exec("rm -rf -- " + ShellQuote.quote(run.runDir()), null, TIMEOUT);
    }
}
