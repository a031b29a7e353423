package io.pgofflinebackup.faults;

import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.testing.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Holds a detached runner in a chosen phase from the outside, as a test on the same machine can: it
 * watches the run's state file and SIGSTOPs the runner (or one of its tar processes) the moment the
 * phase begins, so that a fault lands in that phase and not in whatever comes after it.
 */
final class RunHold {
    private RunHold() {
    }

    /**
     * Where the runners keep the cluster lock of a data directory: named after the SHA-256 of its
     * canonical path (and a newline), in the acting user's ~/.pg-offline-backup/locks.
     */
    static Path clusterLock(io.pgofflinebackup.testing.PgCluster cluster) throws Exception {
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest((cluster.pgdata().toRealPath() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return cluster.owner().home().resolve(".pg-offline-backup/locks/cluster-" + hash.substring(0, 32));
    }

    /** The state file of the one run below {@code dir} (a backup's destination, a restore's PGDATA parent). */
    static Optional<Path> stateFile(Path dir) throws IOException {
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.filter(p -> p.getFileName().toString().endsWith(".run")).map(p -> p.resolve("state"))
                    .filter(Files::exists).findFirst();
        }
    }

    static String state(Path dir) throws IOException {
        Optional<Path> state = stateFile(dir);
        if (state.isEmpty()) {
            return "";
        }
        try {
            return Files.readString(state.get());
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** The phase of the last "phase" line, or "". */
    static String lastPhase(String state) {
        String phase = "";
        for (String line : state.split("\n")) {
            String[] words = line.split(" ");
            if (words.length > 2 && words[1].equals("phase")) {
                phase = words[2];
            }
        }
        return phase;
    }

    /**
     * Waits for the run below {@code dir} to enter {@code phase}, SIGSTOPs its runner and returns the
     * runner's pid; fails if the runner was already past the phase when it stopped.
     */
    static long freezeRunnerIn(Path dir, String phase, Duration timeout) throws Exception {
        return freezeRunnerIn(dir, phase, timeout, null);
    }

    /** As above; a job that ends before the phase (refused in its pre-flight, say) fails at once, saying how. */
    static long freezeRunnerIn(Path dir, String phase, Duration timeout,
            java.util.concurrent.CompletableFuture<?> job) throws Exception {
        try (Procs.Urgent urgent = Procs.urgent()) {
            return freezeRunnerInUrgently(dir, phase, timeout, job);
        }
    }

    private static long freezeRunnerInUrgently(Path dir, String phase, Duration timeout,
            java.util.concurrent.CompletableFuture<?> job) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (job != null && job.isDone()) {
                throw new AssertionError("the job ended before phase " + phase + ": " + job.get());
            }
            String state = state(dir);
            if (lastPhase(state).equals(phase)) {
                long runner = RunnerProbe.runnerPid(dir).orElseThrow();
                Procs.signal(runner, "STOP");
                String now = lastPhase(state(dir));
                if (!now.equals(phase)) {
                    Procs.signal(runner, "CONT");
                    throw new AssertionError("the runner went from " + phase + " to " + now + " before it stopped");
                }
                return runner;
            }
            if (state.contains(" end ")) {
                throw new AssertionError("the run ended before phase " + phase + ":\n" + state);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no phase " + phase + " below " + dir + " within " + timeout + ":\n" + state(dir));
    }

    /**
     * Waits for the runner's copy process that reads below {@code source} ({@link Procs#isCopyFrom}:
     * cp, or the creating side of a tar pipe) and SIGSTOPs it.
     */
    static long freezeCopyReading(Path dir, Path source, Duration timeout) throws Exception {
        return RunnerProbe.freezeCopy(dir, pid -> Procs.isCopyFrom(pid, source), "copy (cp or tar) reading " + source,
                timeout);
    }

    /**
     * SIGKILLs the runner and what it runs besides PostgreSQL itself (tar, pg_ctl, its progress loop):
     * the runner is gone as after a kill -9 of its process group, minus the database.
     */
    static void killRunner(long runner) {
        List<ProcessHandle> below = ProcessHandle.of(runner).stream().flatMap(ProcessHandle::descendants)
                .filter(p -> !Procs.cmdline(p.pid()).startsWith("postgres")
                        && !p.info().command().orElse("").endsWith("/postgres"))
                .toList();
        Procs.signal(runner, "KILL");
        below.forEach(p -> Procs.signal(p.pid(), "KILL"));
        below.forEach(p -> Procs.signal(p.pid(), "CONT"));
        Procs.awaitDeath(runner, Duration.ofSeconds(10));
    }
}
