package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ErrorCode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PgOfflineBackupActionTest {
    private static final BackupSpec SPEC = BackupSpec.of(BackupSpecTest.fullStep(), UnaryOperator.identity());
    private static final List<String> RECORDS = List.of(
            "pg-offline-backup/db1.example.com/20261125T020003Z/manifest.json",
            "pg-offline-backup/db1.example.com/20261125T020003Z/backup.log");

    @Test
    void aCompleteBackupIsRecordedWithEverythingTheSummaryShows() {
        PgOfflineBackupAction action = new PgOfflineBackupAction(2, SPEC, HostKeySpec.knownHostsFile(null),
                "on agent db-backup", BackupOutcome.of(BackupOutcomeTest.success()), RECORDS);

        assertEquals("pg-offline-backup-2", action.getUrlName());
        assertEquals("symbol-save", action.getIconFileName());
        assertEquals("PostgreSQL backup of db1.example.com", action.getDisplayName());
        assertEquals("db1.example.com", action.getHost());
        assertEquals(2222, action.getPort());
        assertEquals("/var/lib/postgresql/16/main", action.getPgdata());
        assertEquals("/backup/db1", action.getDest());
        assertEquals("known_hosts file ~/.ssh/known_hosts", action.getHostKeyCheck());
        assertTrue(action.isHostKeyVerified());
        assertEquals("on agent db-backup", action.getEngineLocation());
        assertTrue(action.isOk());
        assertEquals("20261125T020003Z", action.getBackupId());
        assertEquals("/backup/db1/20261125T020003Z", action.getBackupPath());
        assertEquals("/backup/db1/20261125T020003Z/manifest.json", action.getManifestPath());
        assertEquals("/backup/db1/20261125T020003Z/backup.log", action.getLogPath());
        assertEquals("5.0 GiB", action.getSize());
        assertEquals(1234, action.getFiles());
        assertEquals("41.5 s", action.getDowntime());
        assertTrue(action.isVerified());
        assertEquals("running", action.getDatabaseState());
        assertFalse(action.isDatabaseDown());
        assertFalse(action.isDatabaseStateUnknown());
        assertEquals(List.of("a warning"), action.getWarnings());
        assertNull(action.getErrorCode());
        assertEquals(Boolean.TRUE, action.getDatabaseWasRunning());
        assertEquals("passed", action.getPgVerifybackup());
        assertEquals("passed", action.getPgChecksums());
        assertFalse(action.isDamagedPages());
        assertEquals("snapshot", action.getCopyMethod());
        assertEquals(RECORDS, action.getArchivedRecords());
        assertEquals("backup.log", PgOfflineBackupAction.recordName(RECORDS.get(1)));
    }

    @Test
    void damagedPagesAreCalledOutOnTheBuildPage() {
        PgOfflineBackupAction action = new PgOfflineBackupAction(1, SPEC, HostKeySpec.knownHostsFile(null),
                "on agent db-backup", BackupOutcome.of(BackupOutcomeTest.damagedPages()), RECORDS);

        assertTrue(action.isOk());
        assertEquals("failed", action.getPgChecksums());
        assertTrue(action.isDamagedPages());
        assertEquals("copy", action.getCopyMethod());
    }

    @Test
    void postgresqlThatCouldNotBeRestartedGetsTheRedBanner() {
        PgOfflineBackupAction action = new PgOfflineBackupAction(1, SPEC, HostKeySpec.notVerified(), "on the controller",
                BackupOutcome.of(BackupOutcomeTest.failure(ErrorCode.START_FAILED, Boolean.FALSE)), List.of());

        assertTrue(action.isDatabaseDown());
        assertFalse(action.isOk());
        assertFalse(action.isVerified());
        assertEquals(3, action.getExitCode());
        assertEquals("START_FAILED", action.getErrorCode());
        assertEquals("stopped", action.getDatabaseState());
        assertFalse(action.isHostKeyVerified());
    }

    @Test
    void anUnknownStateAfterAFailureAsksToLook() {
        PgOfflineBackupAction action = new PgOfflineBackupAction(1, SPEC, HostKeySpec.knownHostsFile(null), "x",
                BackupOutcome.of(BackupOutcomeTest.failure(ErrorCode.CONNECTION_LOST, null)), List.of());
        assertTrue(action.isDatabaseStateUnknown());
        assertFalse(action.isDatabaseDown());
        assertEquals("unknown", action.getDatabaseState());
    }

    @Test
    void theRecordIsImmutableAndKeepsNoRunInTheSavedBuild() throws Exception {
        for (Field field : PgOfflineBackupAction.class.getDeclaredFields()) {
            if (field.getName().equals("run")) {
                assertTrue(Modifier.isTransient(field.getModifiers()), "run must be transient");
            } else if (!field.isSynthetic()) {
                assertTrue(Modifier.isFinal(field.getModifiers()), field.getName() + " must be final");
            }
        }
    }
}
