package io.pgofflinebackup.backup;

import io.pgofflinebackup.testing.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Looks at a run from the outside, the way a test on the same machine can: the runner's state file
 * and its copy process, which a test freezes (SIGSTOP) to hold the run in the middle of its copy.
 */
final class RunnerProbe {
    private RunnerProbe() {
    }

    /** Waits for the runner's cp process to exist and freezes it; returns its pid. */
    static long freezeCopy(Path dest, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> runner = runnerPid(dest);
            if (runner.isPresent()) {
                Optional<Long> cp = child(runner.get(), "cp");
                if (cp.isPresent() && Procs.signal(cp.get(), "STOP")) {
                    return cp.get();
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no copy process of a runner appeared in " + dest + " within " + timeout);
    }

    static void thaw(long pid) {
        Procs.signal(pid, "CONT");
    }

    static Optional<Long> runnerPid(Path dest) throws IOException {
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

    static Optional<Long> child(long parent, String command) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // pid (comm) state ppid ...
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (comm.equals(command) && Long.parseLong(rest[1]) == parent) {
                        return Optional.of(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // The process ended while we looked; it is not the one we want.
                }
            }
        }
        return Optional.empty();
    }
}
