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
public final class RunnerProbe {
    private RunnerProbe() {
    }

    /** Waits for the backup runner's tar process to exist and freezes it; returns its pid. */
    public static long freezeCopy(Path dest, Duration timeout) throws Exception {
        return freeze(dest, "tar", timeout);
    }

    /**
     * Waits for a process named {@code command} below the runner whose run directory is in
     * {@code dir} (a backup's destination, or the parent of a restore's PGDATA), and freezes it.
     */
    public static long freeze(Path dir, String command, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> runner = runnerPid(dir);
            if (runner.isPresent()) {
                Optional<Long> found = descendant(runner.get(), command);
                if (found.isPresent() && Procs.signal(found.get(), "STOP")) {
                    return found.get();
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no " + command + " process of a runner appeared in " + dir + " within " + timeout);
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

    /** A process named {@code command} below {@code root}, from one snapshot of /proc. */
    public static Optional<Long> descendant(long root, String command) throws IOException {
        java.util.Map<Long, java.util.List<Long>> children = new java.util.HashMap<>();
        java.util.Map<Long, String> names = new java.util.HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    // pid (comm) state ppid ...
                    String stat = Files.readString(proc.resolve("stat"));
                    long pid = Long.parseLong(proc.getFileName().toString());
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    names.put(pid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                    children.computeIfAbsent(Long.parseLong(rest[1]), k -> new java.util.ArrayList<>()).add(pid);
                } catch (IOException gone) {
                    // The process ended while we looked; it is not the one we want.
                }
            }
        }
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(children.getOrDefault(root, java.util.List.of()));
        while (!queue.isEmpty()) {
            long pid = queue.poll();
            if (command.equals(names.get(pid))) {
                return Optional.of(pid);
            }
            queue.addAll(children.getOrDefault(pid, java.util.List.of()));
        }
        return Optional.empty();
    }
}
