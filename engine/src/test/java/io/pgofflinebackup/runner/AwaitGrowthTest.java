package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.testing.ToolInFront;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Waiting on the host for a file to grow, without a process every 50 ms: the monitor's wait for the
 * runner's state file (follow.sh's poll) and the hashing workers' wait for the next chunk (lib.sh's
 * callers), both wait.sh's wait_growth. Each must end as soon as the file holds more than was read,
 * however long it was allowed to wait, and must never end early without news (the callers ask again
 * straight away: a wait that ended at once would turn into an exec after an exec).
 */
class AwaitGrowthTest {
    private static final long LONG_WAIT_MILLIS = 600_000;

    @TempDir
    Path work;

    /** The two waits, as "shell command for FILE, SIZE read, WAIT ms". */
    static Stream<Arguments> waits() {
        BiFunction<Path, long[], String> follower = (file, sizeAndWait) -> ShellQuote.command("sh",
                file.resolveSibling("follow.sh").toString(), "poll", Double.toString(sizeAndWait[1] / 1000.0),
                Long.toString(sizeAndWait[0]), file.toString(), "0", "runner.sh", "0", file.toString());
        BiFunction<Path, long[], String> lib = (file, sizeAndWait) -> ". " + ShellQuote.quote(file.resolveSibling(
                "lib.sh").toString()) + " && wait_growth " + ShellQuote.quote(file.toString()) + " " + sizeAndWait[0]
                + " " + sizeAndWait[1] / 1000.0;
        return Stream.of(Arguments.of("follow.sh poll", follower), Arguments.of("lib.sh wait_growth", lib));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waits")
    void endsAsSoonAsTheFileGrowsPastWhatWasRead(String name, BiFunction<Path, long[], String> wait)
            throws Exception {
        Path file = stateFile("one\n");
        Process waiting = start(wait.apply(file, new long[] {4, LONG_WAIT_MILLIS}));
        // Still waiting: nothing new yet.
        assertThat(waiting.waitFor(500, TimeUnit.MILLISECONDS)).as("ended without news").isFalse();

        Files.writeString(file, "two\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).as("woke up on the news").isTrue();
        assertThat(waiting.exitValue()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waits")
    void endsAtOnceWhenTheFileAlreadyHoldsMore(String name, BiFunction<Path, long[], String> wait) throws Exception {
        Path file = stateFile("one\ntwo\n");
        Process waiting = start(wait.apply(file, new long[] {4, LONG_WAIT_MILLIS}));

        assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).as("saw what was already there").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waits")
    void waitsItsWholeTimeWithoutNewsOrWithoutTheFile(String name, BiFunction<Path, long[], String> wait)
            throws Exception {
        Path file = stateFile("one\n");
        Path missing = file.resolveSibling("not there");
        for (Path path : List.of(file, missing)) {
            long start = System.nanoTime();
            Process waiting = start(wait.apply(path, new long[] {4, 1500}));

            assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).as(path + ": ends after its time").isTrue();
            assertThat(System.nanoTime() - start).as(path + ": waited").isGreaterThanOrEqualTo(
                    TimeUnit.MILLISECONDS.toNanos(1400));
        }
    }

    @Test
    void awaitFileEndsAtOnceWhenTheFileComesWhileItReadsTheSignal() throws Exception {
        // The client makes pull.done and adds its line to pull.signal just as the runner's wait
        // starts: here while await_file reads the size of the signal, by a wc in front of the real
        // one. The wait (10 minutes here, half a second in a run) must end at once with 0. With the
        // files looked for before the size was read, it ran its whole time.
        Path signal = stateFile("");
        Path done = signal.resolveSibling("pull.done");
        Path trigger = signal.resolveSibling("trigger");
        String path = ToolInFront.announcingOnce(work.resolve("bin"), "wc", trigger, done, signal);
        Files.createFile(trigger);

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ". \"$LIB\" && await_file \"$SIGNAL\" 600 \"$OTHER\""
                + " \"$DONE\"").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of("LIB", signal.resolveSibling("lib.sh").toString(), "SIGNAL",
                signal.toString(), "DONE", done.toString(), "OTHER", signal.resolveSibling("pull.failed").toString(),
                "PATH", path));
        Process waiting = builder.start();
        try {
            assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).as("saw the file that came while it read the size")
                    .isTrue();
        } finally {
            waiting.descendants().forEach(ProcessHandle::destroy);
            waiting.destroy();
        }
        assertThat(waiting.exitValue()).isZero();
        assertThat(trigger).as("the file came while it read the size").doesNotExist();
    }

    @Test
    void awaitFileSaysWhetherAFileCame() throws Exception {
        Path signal = stateFile("");
        Path done = signal.resolveSibling("pull.done");
        String command = ". " + ShellQuote.quote(signal.resolveSibling("lib.sh").toString()) + " && await_file "
                + ShellQuote.quote(signal.toString()) + " %s " + ShellQuote.quote(done.toString());

        Process without = start(command.formatted("0.3"));
        assertThat(without.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(without.exitValue()).as("no file after its time").isEqualTo(1);

        Files.createFile(done);
        Process with = start(command.formatted("600"));
        assertThat(with.waitFor(60, TimeUnit.SECONDS)).as("the file was there before the wait").isTrue();
        assertThat(with.exitValue()).isZero();
    }

    /** A state file in a directory whose name needs quoting, and lib.sh and follow.sh beside it. */
    private Path stateFile(String contents) throws Exception {
        Path dir = Files.createDirectories(work.resolve("run 'x' $(id)"));
        Files.write(dir.resolve("lib.sh"), RemoteScripts.lib());
        Files.write(dir.resolve("follow.sh"), RemoteScripts.follow());
        Path file = dir.resolve("state file");
        Files.writeString(file, contents, StandardCharsets.UTF_8);
        return file;
    }

    private static Process start(String command) throws Exception {
        return new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
