package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StatusTrackerTest {

    @Test
    void theBackupIdIsTakenFromTheEnginesAnnouncement() {
        StatusTracker tracker = new StatusTracker();
        assertEquals(new BackupStatus(null, null, 0, 0), tracker.snapshot());
        assertEquals("connecting", tracker.snapshot().describe());

        tracker.phase("inspect", "inspecting /data while PostgreSQL keeps running");
        tracker.info("PostgreSQL 16 at /data on db1: running");
        assertNull(tracker.snapshot().backupId());
        // BackupJob.run() logs exactly this line once the run directory exists.
        tracker.info("backup id 20261125T020003Z, copying into /backup/.20261125T020003Z.partial");
        tracker.info("backup id SOMETHING-ELSE, copying into /x");
        tracker.phase("copy", "copying");
        tracker.copyProgress(250, 1000);

        BackupStatus status = tracker.snapshot();
        assertEquals("20261125T020003Z", status.backupId());
        assertEquals("copy 25%", status.describe());
    }
}
