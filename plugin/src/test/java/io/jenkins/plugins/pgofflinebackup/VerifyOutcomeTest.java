package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.verify.VerifyJob;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyOutcomeTest {
    static final String BACKUP = "/backup/db1/20261125T020003Z";

    static VerifyJob.Result valid() {
        return new VerifyJob.Result(BACKUP, new VerifyReport(BACKUP, "ok", "20261125T020003Z", "16",
                "7311500512345678901", "/var/lib/postgresql/16/main", 1234, 5L * 1024 * 1024 * 1024, "passed", List.of()),
                null, null);
    }

    static VerifyJob.Result invalid() {
        return new VerifyJob.Result(BACKUP, new VerifyReport(BACKUP, "failed", "20261125T020003Z", "16",
                "7311500512345678901", "/var/lib/postgresql/16/main", 1234, 5L * 1024 * 1024 * 1024, "skipped",
                List.of(new VerifyProblem("data/base/1/1259", "checksum", "expected ab12, found cd34"),
                        new VerifyProblem("data/extra", "extra", ""))), null, null);
    }

    static VerifyJob.Result unreachable() {
        return new VerifyJob.Result(BACKUP, null, ErrorCode.CONNECTION_FAILED, "connection refused");
    }

    @Test
    void aValidBackupIsReturnedAsAMap() {
        VerifyOutcome outcome = VerifyOutcome.of("db1", valid());
        Map<String, Object> map = outcome.toStepResult();

        assertEquals(List.of("status", "valid", "files", "bytes", "problems", "pgVerifybackup", "backupId", "backup"),
                List.copyOf(map.keySet()));
        assertEquals("ok", map.get("status"));
        assertEquals(Boolean.TRUE, map.get("valid"));
        assertEquals(1234L, map.get("files"));
        assertEquals(5L * 1024 * 1024 * 1024, map.get("bytes"));
        assertEquals(List.of(), map.get("problems"));
        assertEquals("passed", map.get("pgVerifybackup"));
        assertEquals(0, outcome.exitCode());
        assertEquals("Backup " + BACKUP + " on db1 is valid: 1,234 files, 5.0 GiB, every checksum as in its manifest;"
                + " pg_verifybackup: passed.", outcome.message());
    }

    @Test
    void problemsAreListedOneLineEach() {
        VerifyOutcome outcome = VerifyOutcome.of("db1", invalid());
        assertTrue(outcome.checked());
        assertFalse(outcome.valid());
        assertEquals(1, outcome.exitCode());
        assertEquals(List.of("checksum: data/base/1/1259 (expected ab12, found cd34)", "extra: data/extra"),
                outcome.toStepResult().get("problems"));
        assertTrue(outcome.message().startsWith("Backup " + BACKUP + " on db1 is NOT valid (failed): 2 problem(s):"),
                outcome.message());
    }

    @Test
    void aBackupThatCouldNotBeReadIsNotChecked() {
        VerifyOutcome outcome = VerifyOutcome.of("db1", unreachable());
        assertFalse(outcome.checked());
        assertEquals(2, outcome.exitCode());
        assertEquals("Backup " + BACKUP + " on db1 could not be verified (CONNECTION_FAILED): connection refused",
                outcome.message());
    }
}
