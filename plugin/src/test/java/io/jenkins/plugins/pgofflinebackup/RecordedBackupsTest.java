package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;

import hudson.AbortException;
import hudson.model.Job;
import hudson.model.Run;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The backups a job's builds recorded, as the restore and the backup parameter read them. */
class RecordedBackupsTest {
    static final long NOV_25_0200 = 1_795_572_000_000L; // 2026-11-25T02:00:00Z

    /** A backup job whose builds, newest first, recorded the given backups. */
    static Job<?, ?> job(List<List<PgOfflineBackupAction>> buildsNewestFirst) {
        Job<?, ?> job = mock(Job.class);
        List<Run<?, ?>> runs = new ArrayList<>();
        int number = buildsNewestFirst.size();
        for (List<PgOfflineBackupAction> actions : buildsNewestFirst) {
            Run<?, ?> run = mock(Run.class);
            doReturn(actions).when(run).getActions(PgOfflineBackupAction.class);
            doReturn(number).when(run).getNumber();
            doReturn(NOV_25_0200 - (buildsNewestFirst.size() - number) * 86_400_000L).when(run).getTimeInMillis();
            runs.add(run);
            number--;
        }
        for (int i = 0; i < runs.size(); i++) {
            doReturn(i + 1 < runs.size() ? runs.get(i + 1) : null).when(runs.get(i)).getPreviousBuild();
        }
        doReturn(runs.isEmpty() ? null : runs.get(0)).when(job).getLastBuild();
        return job;
    }

    static PgOfflineBackupAction backup(String host, String id) {
        PgOfflineBackupStep step = new PgOfflineBackupStep(host, "ssh", "/var/lib/postgresql/16/main", "/backup/" + host);
        BackupResult result = new BackupResult(true, host, id, "/backup/" + host + "/" + id,
                "/backup/" + host + "/" + id + "/manifest.json", "/backup/" + host + "/" + id + "/backup.log", 1234,
                5L * 1024 * 1024 * 1024, 41_500, Boolean.TRUE, null, null, List.of(), Boolean.TRUE, "passed");
        return new PgOfflineBackupAction(1, BackupSpec.of(step, UnaryOperator.identity()), HostKeySpec.knownHostsFile(null),
                "x", BackupOutcome.of(result), List.of());
    }

    static PgOfflineBackupAction failed(String host, String id) {
        PgOfflineBackupStep step = new PgOfflineBackupStep(host, "ssh", "/var/lib/postgresql/16/main", "/backup/" + host);
        BackupResult result = new BackupResult(false, host, id, null, null, null, 0, 0, 0, Boolean.TRUE,
                ErrorCode.COPY_FAILED, "disk full", List.of(), Boolean.TRUE, null);
        return new PgOfflineBackupAction(1, BackupSpec.of(step, UnaryOperator.identity()), HostKeySpec.knownHostsFile(null),
                "x", BackupOutcome.of(result), List.of());
    }

    static final Job<?, ?> FLEET = job(List.of(
            List.of(backup("db1", "20261125T020003Z"), backup("db2", "20261125T020004Z")),
            List.of(failed("db1", "20261124T020003Z")),
            List.of(),
            List.of(backup("db1", "20261122T020003Z"))));

    @Test
    void completeBackupsNewestFirstWithTheirBuild() {
        List<RecordedBackup> all = RecordedBackups.list(FLEET, null, 20);

        assertEquals(List.of("20261125T020004Z", "20261125T020003Z", "20261122T020003Z"),
                all.stream().map(RecordedBackup::getId).toList());
        RecordedBackup newest = all.get(1);
        assertEquals("/backup/db1/20261125T020003Z", newest.getPath());
        assertEquals("db1", newest.getHost());
        assertEquals(4, newest.getBuild());
        assertEquals("2026-11-25 02:00 UTC", newest.getTime());
        assertEquals("5.0 GiB", newest.getSize());
        assertEquals("20261125T020003Z: db1:/var/lib/postgresql/16/main, 2026-11-25 02:00 UTC, 5.0 GiB, build #4",
                newest.getLabel());
        assertEquals(1, all.get(2).getBuild());
    }

    @Test
    void onlyOneHostAndAtMostSoMany() {
        assertEquals(List.of("20261125T020003Z", "20261122T020003Z"),
                RecordedBackups.list(FLEET, "db1", 20).stream().map(RecordedBackup::getId).toList());
        assertEquals(List.of("20261125T020004Z"),
                RecordedBackups.list(FLEET, null, 1).stream().map(RecordedBackup::getId).toList());
        assertEquals(List.of(), RecordedBackups.list(job(List.of()), null, 20));
    }

    @Test
    void anIdIsFoundOnlyAsACompleteBackupOfTheSameHost() {
        assertEquals("/backup/db1/20261122T020003Z",
                RecordedBackups.find(FLEET, "nightly", "20261122T020003Z", "db1").getPath());

        IllegalArgumentException otherHost = assertThrows(IllegalArgumentException.class,
                () -> RecordedBackups.find(FLEET, "nightly", "20261125T020004Z", "db1"));
        assertTrue(otherHost.getMessage().contains("is of db2, not of db1"), otherHost.getMessage());

        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class,
                () -> RecordedBackups.find(FLEET, "nightly", "20261124T020003Z", "db1"));
        assertTrue(incomplete.getMessage().startsWith("No build of nightly recorded a complete backup with the id"
                + " 20261124T020003Z"), incomplete.getMessage());
    }

    @Test
    void aRestoreByIdTakesTheRecordedPath() throws Exception {
        PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1", "ssh", "20261122T020003Z",
                "/var/lib/postgresql/16/main", "/var/lib/postgresql/16/main");
        step.setBackupJob("databases/nightly");
        RestoreSpec spec = RestoreSpec.of(step, UnaryOperator.identity());

        BackupResolution resolved = BackupResolution.resolve(spec, name -> name.equals("databases/nightly") ? FLEET : null);

        assertEquals("/backup/db1/20261122T020003Z", resolved.spec().backup());
        assertEquals("databases/nightly #1", resolved.recordedBy());
        assertTrue(resolved.describe().contains("backup 20261122T020003Z, recorded by databases/nightly #1, is"
                + " /backup/db1/20261122T020003Z"), resolved.describe());

        AbortException noJob = assertThrows(AbortException.class, () -> BackupResolution.resolve(spec, name -> null));
        assertTrue(noJob.getMessage().contains("There is no job \"databases/nightly\" this build may read"));
    }

    @Test
    void aRestoreByPathLooksNothingUp() throws Exception {
        RestoreSpec spec = RestoreSpec.of(RestoreSpecTest.fullStep(), UnaryOperator.identity());
        BackupResolution resolved = BackupResolution.resolve(spec, name -> {
            throw new AssertionError("looked up " + name);
        });
        assertEquals(spec, resolved.spec());
        assertNull(resolved.recordedBy());
    }
}
