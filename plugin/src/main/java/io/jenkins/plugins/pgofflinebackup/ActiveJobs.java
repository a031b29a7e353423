package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs running in this JVM (the controller's or an agent's), by the key their session gave
 * them, so that a later call over the same channel can ask for their status or abort them.
 */
final class ActiveJobs {
    private static final Map<String, Entry> RUNNING = new ConcurrentHashMap<>();

    private ActiveJobs() {
    }

    static final class Entry {
        final StatusTracker tracker = new StatusTracker();
        private Runnable abort;
        private boolean abortRequested;

        /** What aborting the job means; run at once if an abort came first. */
        synchronized void onAbort(Runnable action) {
            abort = action;
            if (abortRequested) {
                action.run();
            }
        }

        synchronized void abort() {
            abortRequested = true;
            if (abort != null) {
                abort.run();
            }
        }

        synchronized boolean abortRequested() {
            return abortRequested;
        }
    }

    static Entry open(String key) {
        return RUNNING.computeIfAbsent(key, k -> new Entry());
    }

    static void close(String key) {
        RUNNING.remove(key);
    }

    @CheckForNull
    static JobStatus status(String key) {
        Entry entry = RUNNING.get(key);
        return entry == null ? null : entry.tracker.snapshot();
    }

    /**
     * Asks the job to stop: a backup abandons the copy and starts PostgreSQL again, a restore rolls
     * back. An abort that arrives before the job has started is kept for it.
     */
    static void abort(String key) {
        open(key).abort();
    }
}
