package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupOutcomeTest {

    static BackupResult success() {
        return new BackupResult(true, "db1", "20261125T020003Z", "/backup/db1/20261125T020003Z",
                "/backup/db1/20261125T020003Z/manifest.json", "/backup/db1/20261125T020003Z/backup.log", 1234,
                5L * 1024 * 1024 * 1024, 41_500, Boolean.TRUE, null, null, List.of("a warning"), Boolean.TRUE, "passed",
                "passed", "snapshot", List.of());
    }

    /** A backup whose copy holds pages that pg_checksums found damaged. */
    static BackupResult damagedPages() {
        return new BackupResult(true, "db1", "20261125T020003Z", "/backup/db1/20261125T020003Z",
                "/backup/db1/20261125T020003Z/manifest.json", "/backup/db1/20261125T020003Z/backup.log", 1234,
                5L * 1024 * 1024 * 1024, 41_500, Boolean.TRUE, null, null,
                List.of("pg_checksums found pages with bad checksums in the copy (1 blocks, listed above)"), Boolean.TRUE,
                "passed", "failed", "copy", List.of());
    }

    static BackupResult failure(ErrorCode code, Boolean running) {
        return new BackupResult(false, "db1", "20261125T020003Z", null, null,
                "/backup/db1/.20261125T020003Z.partial/backup.log", 0, 0, 0, running, code, "the copy failed: disk full",
                List.of(), Boolean.TRUE, null);
    }

    @Test
    void theStepReturnsTheBackupAsAMap() {
        Map<String, Object> map = BackupOutcome.of(success()).toStepResult();

        assertEquals(List.of("id", "path", "files", "bytes", "downtimeMillis", "verified", "manifestPath", "logPath",
                "host", "pgVerifybackup", "pgChecksums", "method"), List.copyOf(map.keySet()));
        assertEquals("20261125T020003Z", map.get("id"));
        assertEquals("/backup/db1/20261125T020003Z", map.get("path"));
        assertEquals(1234L, map.get("files"));
        assertEquals(5L * 1024 * 1024 * 1024, map.get("bytes"));
        assertEquals(41_500L, map.get("downtimeMillis"));
        assertEquals(Boolean.TRUE, map.get("verified"));
        assertEquals("/backup/db1/20261125T020003Z/manifest.json", map.get("manifestPath"));
        assertEquals("db1", map.get("host"));
        assertEquals("passed", map.get("pgVerifybackup"));
        assertEquals("passed", map.get("pgChecksums"));
        assertEquals("snapshot", map.get("method"));
        assertEquals("failed", BackupOutcome.of(damagedPages()).toStepResult().get("pgChecksums"));
        // A failed backup has no verdict and no method, not "unknown".
        Map<String, Object> failed = BackupOutcome.of(failure(ErrorCode.COPY_FAILED, Boolean.TRUE)).toStepResult();
        assertNull(failed.get("pgChecksums"));
        assertNull(failed.get("method"));
    }

    @Test
    void recordsFetchedOnTheAgentTravelWithTheOutcome() {
        BackupOutcome outcome = BackupOutcome.of(success(), "/tmp/pg-offline-backup-records-1",
                List.of("manifest.json", "backup_manifest", "backup.log"), null);
        assertEquals("/tmp/pg-offline-backup-records-1", outcome.recordsDir());
        assertEquals(List.of("manifest.json", "backup_manifest", "backup.log"), outcome.recordNames());
        assertEquals(Boolean.TRUE, outcome.databaseWasRunning());
        assertEquals("passed", outcome.pgVerifybackup());

        BackupOutcome noRecords = BackupOutcome.of(success(), null, List.of(), "connection refused");
        assertEquals("connection refused", noRecords.recordsProblem());
        assertEquals(List.of(), noRecords.recordNames());
    }

    @Test
    void postgresqlLeftStoppedByAFailureIsToldApartFromStoppedAsFound() {
        BackupResult stoppedByUs = new BackupResult(false, "db1", "x", null, null, null, 0, 0, 0, Boolean.FALSE,
                ErrorCode.COPY_FAILED, "the copy failed", List.of(), Boolean.TRUE, null);
        BackupResult stoppedBefore = new BackupResult(false, "db1", "x", null, null, null, 0, 0, 0, Boolean.FALSE,
                ErrorCode.COPY_FAILED, "the copy failed", List.of(), Boolean.FALSE, null);

        assertTrue(BackupOutcome.of(stoppedByUs).failureMessage().contains("is STOPPED, though it was running"));
        assertTrue(BackupOutcome.of(stoppedBefore).failureMessage().contains("is stopped, as it was found"));
    }

    @Test
    void successSaysWhatWasMade() {
        String message = BackupOutcome.of(success()).successMessage();
        assertEquals("Backup 20261125T020003Z of db1 complete: /backup/db1/20261125T020003Z, 5.0 GiB in 1,234 files,"
                + " PostgreSQL down for 41.5 s.", message);
    }

    @Test
    void aFailureSaysWhetherPostgresqlRuns() {
        BackupOutcome restored = BackupOutcome.of(failure(ErrorCode.COPY_FAILED, Boolean.TRUE));
        assertEquals(1, restored.exitCode());
        assertFalse(restored.databaseDown());
        assertEquals("Backup of db1 failed (COPY_FAILED, exit code 1): the copy failed: disk full"
                + " PostgreSQL on db1 is running."
                + " The backup log is /backup/db1/.20261125T020003Z.partial/backup.log on the host.",
                restored.failureMessage());

        BackupOutcome down = BackupOutcome.of(failure(ErrorCode.START_FAILED, Boolean.FALSE));
        assertEquals(3, down.exitCode());
        assertTrue(down.databaseDown());
        assertTrue(down.failureMessage().contains("POSTGRESQL IS DOWN on db1"), down.failureMessage());

        BackupOutcome lost = BackupOutcome.of(failure(ErrorCode.CONNECTION_LOST, null));
        assertTrue(lost.failureMessage().contains("is not known: check the host"), lost.failureMessage());

        BackupOutcome untouched = BackupOutcome.of(failure(ErrorCode.ACTIVE_SESSIONS, Boolean.TRUE));
        assertEquals(2, untouched.exitCode());
    }
}
