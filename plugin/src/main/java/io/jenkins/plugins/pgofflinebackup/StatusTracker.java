package io.jenkins.plugins.pgofflinebackup;

import io.pgofflinebackup.backup.ProgressListener;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remembers the phase and the backup id of a running backup.
 *
 * <p>The engine announces the id only as a log line ("backup id ID, copying into DIR"), so the id
 * is read from that line. This couples the plugin to the engine's wording; the engine should
 * report the run it started as an event of its own (see plugin/README.md, "What the engine must
 * add").
 */
final class StatusTracker implements ProgressListener {
    static final Pattern BACKUP_ID = Pattern.compile("backup id (\\S+), copying into .*");

    private volatile String phase;
    private volatile String backupId;
    private volatile long bytesDone;
    private volatile long bytesTotal;

    @Override
    public void phase(String phase, String message) {
        this.phase = phase;
    }

    @Override
    public void info(String message) {
        if (backupId == null) {
            Matcher m = BACKUP_ID.matcher(message);
            if (m.matches()) {
                backupId = m.group(1);
            }
        }
    }

    @Override
    public void copyProgress(long done, long total) {
        bytesDone = done;
        bytesTotal = total;
    }

    BackupStatus snapshot() {
        return new BackupStatus(phase, backupId, bytesDone, bytesTotal);
    }
}
