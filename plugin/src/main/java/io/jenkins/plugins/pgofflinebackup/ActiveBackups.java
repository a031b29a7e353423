package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.BackupJob;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backups running in this JVM (the controller's or an agent's), by the key their session gave
 * them, so that a later call over the same channel can ask for their status or abort them.
 */
final class ActiveBackups {
    private static final Map<String, Entry> RUNNING = new ConcurrentHashMap<>();

    private ActiveBackups() {
    }

    static final class Entry {
        final StatusTracker tracker = new StatusTracker();
        private BackupJob job;
        private boolean abortRequested;

        synchronized void attach(BackupJob backup) {
            job = backup;
            if (abortRequested) {
                backup.abort();
            }
        }

        synchronized void abort() {
            abortRequested = true;
            if (job != null) {
                job.abort();
            }
        }
    }

    static Entry open(String key) {
        return RUNNING.computeIfAbsent(key, k -> new Entry());
    }

    static void close(String key) {
        RUNNING.remove(key);
    }

    @CheckForNull
    static BackupStatus status(String key) {
        Entry entry = RUNNING.get(key);
        return entry == null ? null : entry.tracker.snapshot();
    }

    /**
     * Asks the backup to stop: the engine abandons the copy and the runner starts PostgreSQL again.
     * An abort that arrives before the backup has started is kept for it.
     */
    static void abort(String key) {
        open(key).abort();
    }
}
