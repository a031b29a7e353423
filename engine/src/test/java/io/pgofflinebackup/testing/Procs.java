package io.pgofflinebackup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux process helpers based on /proc.
 *
 * <p>A killed process whose parent is gone stays a zombie until PID 1 reaps it, which can take
 * seconds on the test machines; {@link ProcessHandle#isAlive()} still reports such a zombie as
 * alive, so liveness here is decided from the state field in /proc/PID/stat.
 */
public final class Procs {

    private static final Duration POLL = Duration.ofMillis(20);

    private Procs() {
    }

    /** True if the process exists and is neither a zombie nor dead. */
    public static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // The process vanished between the lookup and the read (ESRCH surfaces as an IOException).
            return Files.exists(Path.of("/proc", Long.toString(pid)));
        }
        // The command name in parentheses may itself contain spaces or parentheses; the state follows the last ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return false;
        }
        char state = stat.charAt(close + 2);
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** The command line as the process currently shows it (sshd rewrites its own), or "" if it is gone. */
    public static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Whether the process is one that copies a runner's files (see copy_entries in lib.sh): cp
     * copying plain files from its working directory, or the creating side of a tar pipe.
     */
    public static boolean isCopy(long pid) {
        String cmd = cmdline(pid);
        return cmd.startsWith(COPY_CP) || (cmd.startsWith("tar -C ") && cmd.contains(" -cf "));
    }

    /** {@link #isCopy} for a copy that reads below {@code source}. */
    public static boolean isCopyFrom(long pid, Path source) {
        String cmd = cmdline(pid);
        if (cmd.startsWith("tar -C " + source) && cmd.contains(" -cf ")) {
            return true;
        }
        if (!cmd.startsWith(COPY_CP)) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).equals(source.toRealPath());
        } catch (IOException gone) {
            return false;
        }
    }

    /** How copy_entries starts cp; a test that finds it knows the copy is under way. */
    private static final String COPY_CP = "cp -d --preserve=mode,ownership,timestamps --parents -t ";

    /** Sends a signal by name (INT, QUIT, TERM, KILL, ...); false if the process could not be signalled. */
    public static boolean signal(long pid, String signal) {
        return ProcessRunner.run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10))
                .succeeded();
    }

    /** Polls until the process is gone; returns false if it is still alive at the deadline. */
    public static boolean awaitDeath(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive(pid)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** SIGKILLs a process and every descendant it has right now, then waits briefly for them to go. */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        // Snapshot first: once the root dies its children are re-parented and no longer found through it.
        root.descendants().forEach(all::add);
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(p -> awaitDeath(p.pid(), Duration.ofSeconds(5)));
    }

    /**
     * Raises the calling thread's scheduling priority until closed, for a loop that must catch a
     * process living a fraction of a second (a small copy's tar) while other test JVMs, their clusters
     * and runners keep both cores busy. Takes effect as root with -XX:ThreadPriorityPolicy=1 (engine
     * surefire argLine: nice -5); elsewhere the JVM ignores it.
     */
    public static Urgent urgent() {
        return new Urgent(Thread.currentThread());
    }

    /** The raised priority of {@link #urgent()}; close() puts the old one back. */
    public static final class Urgent implements AutoCloseable {
        private final Thread thread;
        private final int before;

        private Urgent(Thread thread) {
            this.thread = thread;
            this.before = thread.getPriority();
            thread.setPriority(Thread.MAX_PRIORITY);
        }

        @Override
        public void close() {
            thread.setPriority(before);
        }
    }

    static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }
}
