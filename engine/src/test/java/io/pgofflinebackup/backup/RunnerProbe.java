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
        try (Procs.Urgent urgent = Procs.urgent()) {
            while (System.nanoTime() < deadline) {
                Optional<Long> runner = runnerPid(dir);
                if (runner.isPresent()) {
                    Optional<Long> found = descendant(runner.get(), command);
                    if (found.isPresent() && Procs.signal(found.get(), "STOP")) {
                        return found.get();
                    }
                }
                Thread.sleep(5);
            }
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

    /**
     * A process named {@code command} below {@code root}, nearest first. One native walk of /proc per
     * call ({@link ProcessHandle#descendants()}): a poll must come round within the second a small
     * copy's tar lives, and asking each process for its children would walk /proc once per process.
     */
    public static Optional<Long> descendant(long root, String command) {
        java.util.Map<Long, java.util.List<Long>> children = new java.util.HashMap<>();
        ProcessHandle.of(root).stream().flatMap(ProcessHandle::descendants).forEach(p -> p.parent().ifPresent(
                parent -> children.computeIfAbsent(parent.pid(), k -> new java.util.ArrayList<>()).add(p.pid())));
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(children.getOrDefault(root, java.util.List.of()));
        while (!queue.isEmpty()) {
            long pid = queue.poll();
            if (command.equals(comm(pid))) {
                return Optional.of(pid);
            }
            queue.addAll(children.getOrDefault(pid, java.util.List.of()));
        }
        return Optional.empty();
    }

    /** The process's command name (what ps shows as comm), or "" once it is gone. */
    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }
}
