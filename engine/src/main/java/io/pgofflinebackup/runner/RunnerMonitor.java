package io.pgofflinebackup.runner;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.pgofflinebackup.backup.ProgressListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows a detached runner through its state file until it ends. The runner does the work and
 * keeps PostgreSQL safe on its own; this side reports progress, re-attaches after a lost
 * connection, passes on an abort request, and, as the last line of defence, starts PostgreSQL
 * again itself if it finds the runner dead before its end.
 */
public final class RunnerMonitor {
    /**
     * How long one poll waits on the host for a new line of the state file before it reads anyway:
     * the runner's news (a phase, the end) is seen as soon as it is written, for one exec every
     * 300 ms while nothing happens. A poll that answers at once is followed by the next straight
     * away; abort requests wait at most this long.
     */
    private static final long POLL_WAIT_MILLIS = 300;
    private static final Duration ALIVE_CHECK = Duration.ofSeconds(2);
    /**
     * Polls in a row that the host answered with an error, each after a reconnect, before the
     * following stops: a run directory this account cannot read (another owner's) or one removed
     * under the runner would otherwise be polled, and "reconnected", forever.
     */
    private static final int REFUSALS = 3;
    /**
     * How long a follower that does not know the runner's pid (one that re-attached) waits for the
     * state to name it. A runner writes its pid before anything else, within milliseconds of its
     * start; a run directory without it after this long holds a runner that never started (its
     * client died between making the directory and the launch, or the launch failed), which would
     * otherwise be polled, and taken for alive, forever.
     */
    private static final Duration UNSTARTED = Duration.ofSeconds(15);

    private final SshSession ssh;
    private final RunnerHandle run;
    private final ProgressListener listener;
    private final Duration reconnectTimeout;
    private final Duration recoverTimeout;
    private final AtomicBoolean abortRequested;
    private final RemoteFileFollower state;
    private final RemoteFileFollower log;
    private long runnerPid;
    private boolean abortSent;
    private long files = -1;
    private long bytes = -1;
    private String failureCode;
    private String failureMessage;
    private RunnerEvent done;

    /**
     * @param logOffset bytes of the log already shown (the pre-flight part this side wrote)
     * @param recoverTimeout how long the runner's recover mode may take to bring PostgreSQL back
     */
    public RunnerMonitor(SshSession ssh, RunnerHandle run, long launchedPid, long logOffset,
            ProgressListener listener, Duration reconnectTimeout, Duration recoverTimeout,
            AtomicBoolean abortRequested) {
        this.ssh = ssh;
        this.run = run;
        this.runnerPid = launchedPid;
        this.listener = listener;
        this.reconnectTimeout = reconnectTimeout;
        this.recoverTimeout = recoverTimeout;
        this.abortRequested = abortRequested;
        this.state = new RemoteFileFollower(0, List.of(run.stateFile()));
        this.log = new RemoteFileFollower(logOffset, run.logPaths());
    }

    public RunnerOutcome follow() throws JobFailure {
        long lastAliveCheck = System.nanoTime();
        long followingSince = System.nanoTime();
        int refusals = 0;
        while (true) {
            try {
                if (abortRequested.get() && !abortSent) {
                    sendAbort();
                }
                boolean checkAlive = System.nanoTime() - lastAliveCheck > ALIVE_CHECK.toNanos();
                if (checkAlive) {
                    lastAliveCheck = System.nanoTime();
                }
                long pidChecked = runnerPid;
                Poll poll = poll(checkAlive, POLL_WAIT_MILLIS);
                refusals = 0;
                RunnerOutcome outcome = readState(poll.state());
                forwardLog(poll.log());
                if (outcome != null) {
                    return outcome;
                }
                if (runnerPid <= 0 && System.nanoTime() - followingSince > UNSTARTED.toNanos()) {
                    throw new JobFailure(ErrorCode.RUNNER_DIED, "the run " + run.id() + " has no runner: after "
                            + UNSTARTED.toSeconds() + " s its state (" + run.stateFile() + ") names none, and a runner"
                            + " writes its pid before anything else. It never started (the client that made "
                            + run.runDir() + " ended before the launch, or the launch failed), so nothing was done by"
                            + " it", null, null);
                }
                // A runner that named a new pid in this very poll was checked under its old one.
                if (checkAlive && pidChecked == runnerPid && !poll.alive()) {
                    // It may have written its last lines just before it exited: read once more.
                    Poll late = poll(false, 0);
                    RunnerOutcome lateOutcome = readState(late.state());
                    forwardLog(late.log());
                    return lateOutcome != null ? lateOutcome : recover();
                }
            } catch (IOException e) {
                if (Thread.interrupted()) {
                    // The caller's thread was interrupted (an embedder's way to abort) while a poll waited on
                    // the host: ask the runner to abort and keep following, because walking away would
                    // leave the outcome unknown.
                    abortRequested.set(true);
                } else if (e instanceof HostRefused && ++refusals >= REFUSALS) {
                    throw new JobFailure(ErrorCode.CONNECTION_LOST, "cannot follow the runner: the host answered "
                            + REFUSALS + " polls in a row with an error (" + e.getMessage() + "). The runner on the host"
                            + " goes on by itself and brings PostgreSQL back if anything fails; its state is in "
                            + run.stateFile() + " on the host (for a backup, `plan` with the same options shows how"
                            + " the run " + run.id() + " ended)", null, e);
                } else {
                    reattach(e);
                }
            }
        }
    }

    /** A poll the host ran and answered with an error and no state: not a lost connection. */
    private static final class HostRefused extends IOException {
        private static final long serialVersionUID = 1L;

        HostRefused(String message) {
            super(message);
        }
    }

    /** What one poll found: new state lines, new log lines, and whether the runner still lives. */
    private record Poll(List<String> state, List<String> log, boolean alive) {
    }

    /**
     * Reads the state file and the log (and, with {@code checkAlive}, whether the runner lives) with
     * one exec of follow.sh, which first waits on the host up to {@code waitMillis} for the state
     * file to grow: each exec costs the host an sshd child, a shell and its commands, so one every
     * 300 ms while the runner is quiet, and one per burst of news while it writes. The parts are
     * separated by NUL bytes, which the state file (our own text) never holds; the log may, so it is
     * what lies between the first and the last.
     */
    private Poll poll(boolean checkAlive, long waitMillis) throws IOException {
        String seconds = waitMillis <= 0 ? "0"
                : String.format(Locale.ROOT, "%d.%03d", waitMillis / 1000, waitMillis % 1000);
        List<String> command = new ArrayList<>(List.of("sh", run.followScript(), "poll", seconds));
        command.addAll(state.fromArguments());
        command.add(checkAlive && runnerPid > 0 ? Long.toString(runnerPid) : "0");
        command.add(run.scriptPath());
        command.addAll(log.fromArguments());
        ExecResult result = ssh.exec(ShellQuote.command(command), null, Duration.ofSeconds(30));
        byte[] out = result.stdoutBytes();
        int first = indexOf(out, 0);
        int last = lastIndexOf(out, 0);
        if (first < 0 || last == first) {
            if (result.exitStatus() > 0 && !result.stderr().isBlank()) {
                throw new HostRefused("status " + result.exitStatus() + ": " + result.firstErrorLine());
            }
            throw new IOException("the runner's state could not be read (got " + out.length + " bytes without both"
                    + " separators)");
        }
        List<String> stateLines = state.accept(out, 0, first);
        List<String> logLines = log.accept(out, first + 1, last);
        boolean alive = !checkAlive || runnerPid <= 0
                || new String(out, last + 1, out.length - last - 1, StandardCharsets.UTF_8).strip().equals("alive");
        return new Poll(stateLines, logLines, alive);
    }

    private static int indexOf(byte[] data, int b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] data, int b) {
        for (int i = data.length - 1; i >= 0; i--) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Handles the new state lines; returns the outcome once the runner's end line is there. */
    private RunnerOutcome readState(List<String> lines) {
        for (String line : lines) {
            RunnerEvent event = RunnerEvent.parse(line);
            switch (event.kind()) {
                case "runner":
                    runnerPid = event.number("pid");
                    break;
                case "phase":
                    String phase = event.details().split(" ", 2)[0];
                    listener.phase(phase, phaseText(phase, event));
                    break;
                case "progress":
                    listener.copyProgress(event.number("bytes"), event.number("total"));
                    break;
                case "verified":
                    files = event.number("files");
                    bytes = event.number("bytes");
                    break;
                case "failed":
                    failureCode = event.failureCode();
                    failureMessage = event.failureMessage();
                    break;
                case "done":
                    done = event;
                    break;
                case "end":
                    return outcome(event);
                default:
                    break;
            }
        }
        return null;
    }

    private RunnerOutcome outcome(RunnerEvent end) {
        String dbState = end.field("db");
        Map<String, String> doneFields = done == null ? Map.of() : done.fields();
        if (done != null && end.details().startsWith("ok")) {
            return new RunnerOutcome(true, dbState, null, null, doneFields, end.fields(), files, bytes);
        }
        return new RunnerOutcome(false, dbState, failureCode == null ? ErrorCode.RUNNER_ERROR.name() : failureCode,
                failureMessage == null ? "the runner ended without saying why" : failureMessage, doneFields,
                end.fields(), files, bytes);
    }

    private void forwardLog(List<String> lines) {
        for (String line : lines) {
            String text = stripTimestamp(line);
            // The runner marks what the result must carry as a warning (a failed CHECKPOINT, bad page checksums).
            if (text.startsWith("WARNING: ")) {
                listener.warn(text.substring("WARNING: ".length()));
            } else {
                listener.info(text);
            }
        }
    }

    private void sendAbort() throws IOException {
        abortSent = true;
        listener.warn("abort requested: asking the runner to abandon the copy and start PostgreSQL again");
        if (runnerPid > 0) {
            ssh.exec("kill -TERM " + runnerPid + " 2>/dev/null || true", null, Duration.ofSeconds(30));
        }
    }

    /**
     * The runner died without its end line (killed with SIGKILL, out of memory, the host rebooted
     * under it). Run the script's recover mode, which starts PostgreSQL if the run had stopped it.
     */
    private RunnerOutcome recover() throws JobFailure {
        listener.warn("the runner on the host died before it finished; making sure PostgreSQL runs");
        try {
            ExecResult result = ssh.exec(ShellQuote.command("sh", run.scriptPath(), run.runDir(), "recover")
                    + " </dev/null >/dev/null 2>&1; echo $?", null, recoverTimeout);
            Map<String, String> end = new LinkedHashMap<>();
            for (String line : state.newLines(ssh, run.followScript())) {
                RunnerEvent event = RunnerEvent.parse(line);
                if (event.kind().equals("end")) {
                    end = event.fields();
                }
            }
            String dbState = end.getOrDefault("db", "unknown");
            listener.info("recovery ended (exit " + result.stdout().strip() + "), PostgreSQL is " + dbState);
            return new RunnerOutcome(false, dbState, ErrorCode.RUNNER_DIED.name(),
                    "the runner on the host died before it finished; its work is incomplete", Map.of(), end, files,
                    bytes);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_LOST, "the runner died and PostgreSQL could not be checked: "
                    + e.getMessage(), null, e);
        }
    }

    private void reattach(IOException cause) throws JobFailure {
        listener.warn("lost the connection to " + ssh.target().display() + " (" + cause.getMessage()
                + "); the runner goes on by itself. Reconnecting...");
        long deadline = System.nanoTime() + reconnectTimeout.toNanos();
        JobFailure last = null;
        while (System.nanoTime() < deadline) {
            try {
                ssh.reconnect();
                listener.info("reconnected; following the runner again");
                return;
            } catch (JobFailure e) {
                last = e;
                sleepQuietly(2000);
            }
        }
        throw new JobFailure(ErrorCode.CONNECTION_LOST, "lost the connection to " + ssh.target().display()
                + " and could not reconnect within " + reconnectTimeout.toSeconds() + "s. The runner on the host "
                + "brings PostgreSQL back by itself if anything fails; its state is in " + run.stateFile()
                + " on the host (for a backup, `plan` with the same options shows how the run " + run.id()
                + " ended)", null, last);
    }

    private static String phaseText(String phase, RunnerEvent event) {
        switch (phase) {
            case "stop":
                return "stopping PostgreSQL";
            case "precopy":
                return "copying the data directory while PostgreSQL runs (pre-copy)";
            case "checkpoint":
                return "CHECKPOINT before the stop";
            case "clone":
                return "cloning the data directory (copy-on-write)";
            case "copy":
                return event.details().contains("from-clone") ? "copying the clone while PostgreSQL serves"
                        : event.details().contains("changed-since-precopy") ? "copying what changed since the pre-copy"
                        : "copying the data directory";
            case "verify":
                return "verifying the copy";
            case "start":
                return "starting PostgreSQL";
            case "record":
                return "writing the manifest";
            case "move":
                return "moving the current data directory aside";
            case "rollback":
                return "rolling back to the original data directory";
            default:
                return event.details();
        }
    }

    private static String stripTimestamp(String line) {
        return line.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ .*") ? line.substring(line.indexOf(' ') + 1) : line;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
