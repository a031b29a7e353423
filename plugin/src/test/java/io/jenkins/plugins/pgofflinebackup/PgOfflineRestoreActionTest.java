package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PgOfflineRestoreActionTest {
    private static final RestoreSpec SPEC = RestoreSpec.of(RestoreSpecTest.fullStep(), UnaryOperator.identity());

    @Test
    void aCompleteRestoreIsRecordedWithWhatWasRestoredAndWhereTheOriginalIs() {
        PgOfflineRestoreAction action = new PgOfflineRestoreAction(1, SPEC, "databases/db1-nightly #45",
                HostKeySpec.knownHostsFile(null), "on agent db-restore", RestoreOutcome.of(RestoreOutcomeTest.success()));

        assertEquals("pg-offline-restore-1", action.getUrlName());
        assertEquals("symbol-redo", action.getIconFileName());
        assertEquals("PostgreSQL restore on db1.example.com", action.getDisplayName());
        assertEquals("db1.example.com", action.getHost());
        assertEquals(2222, action.getPort());
        assertEquals(RestoreSpecTest.PGDATA, action.getPgdata());
        assertEquals("/backup/db1/20261125T020003Z", action.getRestoredFrom());
        assertEquals("databases/db1-nightly #45", action.getRecordedBy());
        assertEquals("on agent db-restore", action.getEngineLocation());
        assertTrue(action.isOk());
        assertEquals(RestoreOutcomeTest.ASIDE, action.getMovedAsideTo());
        assertFalse(action.isRolledBack());
        assertNull(action.getFailedRestoreAt());
        assertEquals("12.3 s", action.getDowntime());
        assertEquals("running", action.getDatabaseState());
        assertFalse(action.isDatabaseDown());
        assertFalse(action.isDatabaseStateUnknown());
        assertEquals(RestoreOutcomeTest.LOG, action.getLogPath());
        assertEquals(List.of("a warning"), action.getWarnings());
        assertTrue(action.isHostKeyVerified());
    }

    @Test
    void aRollBackIsRecordedWithTheFailedCopy() {
        PgOfflineRestoreAction action = new PgOfflineRestoreAction(2, SPEC, null, HostKeySpec.knownHostsFile(null), "x",
                RestoreOutcome.of(RestoreOutcomeTest.rolledBack()));
        assertFalse(action.isOk());
        assertTrue(action.isRolledBack());
        assertEquals("/var/lib/postgresql/16/main.failed-restore-20261125T031500Z", action.getFailedRestoreAt());
        assertEquals("START_FAILED", action.getErrorCode());
        assertEquals(1, action.getExitCode());
        assertFalse(action.isDatabaseDown());
        assertNull(action.getRecordedBy());
    }

    @Test
    void postgresqlDownGetsTheRedBanner() {
        PgOfflineRestoreAction action = new PgOfflineRestoreAction(1, SPEC, null, HostKeySpec.notVerified(), "x",
                RestoreOutcome.of(RestoreOutcomeTest.down()));
        assertTrue(action.isDatabaseDown());
        assertEquals("stopped", action.getDatabaseState());
        assertFalse(action.isHostKeyVerified());
    }

    @Test
    void theRecordIsImmutableAndKeepsNoRunInTheSavedBuild() {
        for (Field field : PgOfflineRestoreAction.class.getDeclaredFields()) {
            if (field.getName().equals("run")) {
                assertTrue(Modifier.isTransient(field.getModifiers()), "run must be transient");
            } else if (!field.isSynthetic()) {
                assertTrue(Modifier.isFinal(field.getModifiers()), field.getName() + " must be final");
            }
        }
    }
}
