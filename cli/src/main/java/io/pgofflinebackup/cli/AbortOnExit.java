package io.pgofflinebackup.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a job so that Ctrl-C (the JVM shutting down) asks it to abort and waits for it to say how
 * it ended: the runner on the host then abandons its work and brings PostgreSQL back. A SIGKILL
 * cannot be caught; then the runner finishes on its own.
 */
final class AbortOnExit {
    private AbortOnExit() {
    }

    static <T> T run(Runnable abort, Supplier<T> job) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            abort.run();
            try {
                finished.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "abort-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return job.get();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting because of Ctrl-C; the hook is waiting for us and lets it go now.
            }
        }
    }
}
