package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pgofflinebackup.backup.RunnerInfo;
import org.junit.jupiter.api.Test;

class StatusTrackerTest {

    @Test
    void theRunIsTakenFromTheEnginesRunnerStartedEvent() {
        StatusTracker tracker = new StatusTracker();
        assertEquals(new JobStatus(null, null, null, 0, 0), tracker.snapshot());
        assertEquals("connecting", tracker.snapshot().describe());

        tracker.phase("inspect", "inspecting /data while PostgreSQL keeps running");
        // The wording of the log lines no longer matters: only the event names the run.
        tracker.info("backup id SOMETHING-ELSE, copying into /x");
        assertNull(tracker.snapshot().runId());

        tracker.runnerStarted(new RunnerInfo("backup", "20261125T020003Z", "db1", "/backup/.20261125T020003Z.run",
                "/backup/.20261125T020003Z.partial", 4242));
        tracker.phase("copy", "copying");
        tracker.copyProgress(250, 1000);

        JobStatus status = tracker.snapshot();
        assertEquals("20261125T020003Z", status.runId());
        assertEquals("/backup/.20261125T020003Z.run", status.runDir());
        assertEquals("copy 25%", status.describe());
    }

    @Test
    void aRestoresRunIsItsTimeStampAndRunDirectory() {
        StatusTracker tracker = new StatusTracker();
        tracker.runnerStarted(new RunnerInfo("restore", "20261125T031500Z", "db1",
                "/var/lib/postgresql/16/.main.restore-20261125T031500Z.run", "/var/lib/postgresql/16/main", 99));
        assertEquals("20261125T031500Z", tracker.snapshot().runId());
        assertEquals("/var/lib/postgresql/16/.main.restore-20261125T031500Z.run", tracker.snapshot().runDir());
    }
}
