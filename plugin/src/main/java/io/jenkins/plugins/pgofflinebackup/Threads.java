package io.jenkins.plugins.pgofflinebackup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's own threads: steps wait for the engine here (a Pipeline step may not block the
 * CPS VM thread), and the engine runs here when a step is used outside {@code node}. Daemon
 * threads, so that they never keep a JVM alive.
 */
final class Threads {
    static final ExecutorService POOL = Executors.newCachedThreadPool(named("pgOfflineBackup"));
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(named("pgOfflineBackup-timer"));

    private Threads() {
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
