package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.restore.RestoreResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreOutcomeTest {
    static final String ASIDE = "/var/lib/postgresql/16/main.pre-restore-20261125T031500Z";
    static final String LOG = "/var/lib/postgresql/16/.main.restore-20261125T031500Z.run/restore.log";

    static RestoreResult success() {
        return new RestoreResult(true, "db1", "/backup/db1/20261125T020003Z", RestoreSpecTest.PGDATA, ASIDE, null,
                false, 12_300, Boolean.TRUE, null, null, LOG, List.of("a warning"), 0);
    }

    static RestoreResult rolledBack() {
        return new RestoreResult(false, "db1", "/backup/db1/20261125T020003Z", RestoreSpecTest.PGDATA, null,
                "/var/lib/postgresql/16/main.failed-restore-20261125T031500Z", true, 0, Boolean.TRUE,
                ErrorCode.START_FAILED, "the restored cluster did not start", LOG, List.of(), 1);
    }

    static RestoreResult down() {
        return new RestoreResult(false, "db1", "/backup/db1/20261125T020003Z", RestoreSpecTest.PGDATA, null, null,
                false, 0, Boolean.FALSE, ErrorCode.DATABASE_DOWN, "PostgreSQL could not be started", LOG, List.of(), 3);
    }

    @Test
    void theStepReturnsTheRestoreAsAMap() {
        Map<String, Object> map = RestoreOutcome.of(success()).toStepResult();

        assertEquals(List.of("restoredFrom", "pgdata", "movedAsideTo", "rolledBack", "downtimeMillis",
                "databaseRunning"), List.copyOf(map.keySet()));
        assertEquals("/backup/db1/20261125T020003Z", map.get("restoredFrom"));
        assertEquals(RestoreSpecTest.PGDATA, map.get("pgdata"));
        assertEquals(ASIDE, map.get("movedAsideTo"));
        assertEquals(Boolean.FALSE, map.get("rolledBack"));
        assertEquals(12_300L, map.get("downtimeMillis"));
        assertEquals(Boolean.TRUE, map.get("databaseRunning"));
    }

    @Test
    void successSaysWhereTheOldDataDirectoryIsKept() {
        String message = RestoreOutcome.of(success()).successMessage();
        assertEquals("Restore on db1 complete: " + RestoreSpecTest.PGDATA + " now holds /backup/db1/20261125T020003Z,"
                + " and PostgreSQL runs from it (down for 12.3 s). The data directory that was there is kept at " + ASIDE
                + ": remove it by hand once satisfied.", message);
    }

    @Test
    void aRolledBackRestoreSaysSoAndThatPostgresqlRuns() {
        RestoreOutcome outcome = RestoreOutcome.of(rolledBack());
        assertFalse(outcome.databaseDown());
        assertTrue(outcome.rolledBack());
        String message = outcome.failureMessage();
        assertTrue(message.startsWith("Restore into db1:" + RestoreSpecTest.PGDATA + " failed (START_FAILED, exit code 1)"),
                message);
        assertTrue(message.contains("Rolled back: " + RestoreSpecTest.PGDATA + " is the original data directory again."),
                message);
        assertTrue(message.contains("PostgreSQL on db1 is running."), message);
        assertTrue(message.contains("The restore log is " + LOG), message);
    }

    @Test
    void postgresqlDownIsSaidLoudly() {
        RestoreOutcome outcome = RestoreOutcome.of(down());
        assertTrue(outcome.databaseDown());
        assertTrue(outcome.failureMessage().contains("POSTGRESQL IS DOWN on db1"), outcome.failureMessage());
    }
}
