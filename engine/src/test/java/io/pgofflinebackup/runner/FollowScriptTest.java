package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * follow.sh, which RunnerMonitor runs on the host for every poll: what is new in the state file and
 * in the log, split by NUL bytes, and whether the runner lives. Run here with the arguments
 * RemoteFileFollower gives it, in a directory whose name needs quoting.
 */
class FollowScriptTest {
    @TempDir
    Path work;

    @Test
    void pollPrintsWhatIsNewInTheStateFileAndInTheFirstLogThatExists() throws Exception {
        Path dir = runDir();
        Path state = write(dir.resolve("state"), "1 runner pid=7\n2 phase copy\n");
        Path moved = write(dir.resolve("final log"), "old line\nnew line\npartial");
        RemoteFileFollower stateFollower = new RemoteFileFollower(15, List.of(state.toString()));
        RemoteFileFollower logFollower = new RemoteFileFollower(9,
                List.of(dir.resolve("partial log").toString(), moved.toString()));

        byte[] out = poll(dir, "0", stateFollower, "0", logFollower);

        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("2 phase copy\n\0new line\npartial\0");
        int first = indexOf(out, 0);
        assertThat(stateFollower.accept(out, 0, first)).containsExactly("2 phase copy");
        assertThat(logFollower.accept(out, first + 1, out.length - 1)).containsExactly("new line");

        Files.writeString(moved, " line\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        byte[] next = poll(dir, "0", stateFollower, "0", logFollower);
        assertThat(text(next)).as("from where the last poll stopped").isEqualTo("\0 line\n\0");
        assertThat(logFollower.accept(next, 1, next.length - 1)).containsExactly("partial line");
    }

    @Test
    void pollSaysAliveOnlyForAProcessThatRunsTheScript() throws Exception {
        Path dir = runDir();
        Path state = write(dir.resolve("state"), "");
        Path script = write(dir.resolve("runner.sh"), "sleep 120\n");
        Process runner = new ProcessBuilder("sh", script.toString()).start();
        try {
            RemoteFileFollower stateFollower = new RemoteFileFollower(0, List.of(state.toString()));
            RemoteFileFollower logFollower = new RemoteFileFollower(0, List.of(dir.resolve("log").toString()));
            String pid = Long.toString(runner.pid());
            String self = Long.toString(ProcessHandle.current().pid());

            assertThat(text(poll(dir, "0", stateFollower, pid, logFollower, script))).isEqualTo("\0\0alive\n");
            assertThat(text(poll(dir, "0", stateFollower, self, logFollower, script)))
                    .as("a live process that runs something else").isEqualTo("\0\0");
            assertThat(text(poll(dir, "0", stateFollower, "0", logFollower, script))).as("not asked")
                    .isEqualTo("\0\0");
            runner.destroy();
            assertThat(runner.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(text(poll(dir, "0", stateFollower, pid, logFollower, script))).as("ended")
                    .isEqualTo("\0\0");
        } finally {
            runner.destroyForcibly();
        }
    }

    @Test
    void aWaitOfZeroInAnyFormReturnsAtOnce() throws Exception {
        // timeout(1) takes 0 for "no time limit": a poll asked not to wait must not reach it.
        Path dir = runDir();
        Path state = write(dir.resolve("state"), "one\n");
        RemoteFileFollower stateFollower = new RemoteFileFollower(4, List.of(state.toString()));
        RemoteFileFollower logFollower = new RemoteFileFollower(0, List.of(dir.resolve("log").toString()));
        for (String zero : List.of("0", "0.000", "0.0")) {
            long start = System.nanoTime();
            poll(dir, zero, stateFollower, "0", logFollower);
            assertThat(System.nanoTime() - start).as(zero).isLessThan(TimeUnit.SECONDS.toNanos(20));
        }
    }

    @Test
    void readPrintsWhatIsNewInTheFirstFileThatExists() throws Exception {
        Path dir = runDir();
        Path file = write(dir.resolve("state"), "one\ntwo\n");
        List<String> command = new ArrayList<>(List.of("sh", dir.resolve("follow.sh").toString(), "read"));
        command.addAll(new RemoteFileFollower(4, List.of(dir.resolve("gone").toString(), file.toString()))
                .fromArguments());

        assertThat(text(run(command))).isEqualTo("two\n");
    }

    @Test
    void anUnknownCommandFails() throws Exception {
        Path dir = runDir();
        Process process = new ProcessBuilder("sh", dir.resolve("follow.sh").toString(), "tail").start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("unknown command 'tail'");
    }

    private Path runDir() throws Exception {
        Path dir = Files.createDirectories(work.resolve("run 'x' $(id)"));
        Files.write(dir.resolve("follow.sh"), RemoteScripts.follow());
        return dir;
    }

    private static Path write(Path file, String contents) throws Exception {
        return Files.writeString(file, contents, StandardCharsets.UTF_8);
    }

    private byte[] poll(Path dir, String seconds, RemoteFileFollower state, String pid, RemoteFileFollower log)
            throws Exception {
        return poll(dir, seconds, state, pid, log, dir.resolve("runner.sh"));
    }

    /** follow.sh poll, with its arguments in the order RunnerMonitor gives them. */
    private byte[] poll(Path dir, String seconds, RemoteFileFollower state, String pid,
            RemoteFileFollower log, Path script) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", dir.resolve("follow.sh").toString(), "poll", seconds));
        command.addAll(state.fromArguments());
        command.add(pid);
        command.add(script.toString());
        command.addAll(log.fromArguments());
        return run(command);
    }

    /** Runs the command to its end, within a minute (a wait that never ends fails the test). */
    private byte[] run(List<String> command) throws Exception {
        Path out = Files.createTempFile(work, "out", "");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(out.toFile()).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended: " + command).isTrue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("exit status of " + command).isZero();
        return Files.readAllBytes(out);
    }

    private static String text(byte[] out) {
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] data, int b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
