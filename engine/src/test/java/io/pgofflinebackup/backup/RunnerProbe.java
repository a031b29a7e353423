package io.pgofflinebackup.backup;

import io.pgofflinebackup.testing.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * Looks at a run from the outside, the way a test on the same machine can: the runner's state file
 * and its copy process, which a test freezes (SIGSTOP) to hold the run in the middle of its copy.
 */
public final class RunnerProbe {
    private RunnerProbe() {
    }

    /**
     * Waits for a copy process ({@link Procs#isCopy}: cp or tar) below the runner whose run
     * directory is in {@code dir} (a backup's destination, or the parent of a restore's PGDATA), and
     * freezes it (SIGSTOP); returns its pid. The copy runs two cp side by side: freezing one holds
     * the copy, which waits for both.
     */
    public static long freezeCopy(Path dir, Duration timeout) throws Exception {
        return freezeCopy(dir, Procs::isCopy, "a copy process (cp or tar)", timeout);
    }

    /** {@link #freezeCopy(Path, Duration)} for the first copy process that {@code which} accepts. */
    public static long freezeCopy(Path dir, LongPredicate which, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Procs.Urgent urgent = Procs.urgent()) {
            while (System.nanoTime() < deadline) {
                Optional<Long> runner = runnerPid(dir);
                if (runner.isPresent()) {
                    Optional<Long> found = ProcessHandle.of(runner.get()).stream()
                            .flatMap(ProcessHandle::descendants)
                            .map(ProcessHandle::pid)
                            .filter(which::test)
                            .findFirst();
                    if (found.isPresent() && Procs.signal(found.get(), "STOP")) {
                        return found.get();
                    }
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("no " + what + " of a runner appeared in " + dir + " within " + timeout);
    }

    public static void thaw(long pid) {
        Procs.signal(pid, "CONT");
    }

    public static Optional<Long> runnerPid(Path dest) throws IOException {
        try (Stream<Path> runs = Files.list(dest)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().endsWith(".run")).toList()) {
                Path state = run.resolve("state");
                if (Files.exists(state)) {
                    for (String line : Files.readAllLines(state)) {
                        String[] words = line.split(" ");
                        if (words.length > 2 && words[1].equals("runner") && words[2].startsWith("pid=")) {
                            return Optional.of(Long.parseLong(words[2].substring(4)));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
