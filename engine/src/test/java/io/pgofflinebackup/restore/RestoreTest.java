package io.pgofflinebackup.restore;

import io.pgofflinebackup.faults.FaultCase;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import io.pgofflinebackup.backup.RunnerProbe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Restores against a real sshd and real clusters: the data comes back, and nothing is ever lost. */
class RestoreTest {
    private static final String QUERY = "SELECT count(*), sum(abalance), (SELECT count(*) FROM notes) FROM pgbench_accounts";
    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static BackupResult backupOf(PgCluster cluster) {
        BackupResult backup = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        return backup;
    }

    /** A cluster big enough for its copy to be caught, its rows at its backup, and the backup; changed since. */
    private record Changed(PgCluster cluster, String atBackup, BackupResult backup) {
    }

    private static Changed changedSinceItsBackup() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(10));
        cluster.query("CREATE TABLE notes AS SELECT 1 AS id");
        String atBackup = cluster.query(QUERY);
        BackupResult backup = backupOf(cluster);
        cluster.query("DROP TABLE notes");
        return new Changed(cluster, atBackup, backup);
    }

    @Test
    void restoreBringsBackTheDataOfTheBackupAndKeepsTheChangedDirectoryAside() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes AS SELECT g AS id FROM generate_series(1, 100) g");
        String atBackup = cluster.query(QUERY);
        BackupResult backup = backupOf(cluster);
        cluster.query("DELETE FROM pgbench_accounts WHERE aid % 2 = 0");
        cluster.query("UPDATE pgbench_accounts SET abalance = abalance + 7");
        cluster.query("DROP TABLE notes");
        cluster.query("CREATE TABLE after_backup AS SELECT 1 AS marker");

        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        RestoreResult result = new RestoreJob(host.restoreRequest(cluster, backup.backupPath()).build(), listener)
                .run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(result.databaseRunning()).isTrue();
        assertThat(result.rolledBack()).isFalse();
        assertThat(result.downtimeMillis()).isPositive();
        assertThat(listener.phases).containsSubsequence("verify", "inspect", "stop", "move", "copy", "verify",
                "start");
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(QUERY)).isEqualTo(atBackup);
        assertThat(cluster.query("SELECT count(*) FROM pg_class WHERE relname = 'after_backup'")).isEqualTo("0");

        // The directory as it was before the restore is kept, whole, under the reported name.
        Path aside = Path.of(result.movedAsideTo());
        assertThat(aside.getFileName().toString()).startsWith("data.pre-restore-");
        assertThat(aside.resolve("PG_VERSION")).exists();
        PgCluster before = host.startCopyOf(aside);
        assertThat(before.query("SELECT marker FROM after_backup")).isEqualTo("1");
        assertThat(Files.readString(Path.of(result.logPath()))).contains("restore complete");
        // The run's scripts go; its state, params and log stay beside the data directory, the record.
        assertThat(RealHostSupport.entries(Path.of(result.logPath()).getParent()))
                .contains("restore.log", "state", "params")
                .doesNotContain("lib.sh", "critical.sh", "follow.sh", "restore.sh", "verify.sh");

        // A client that comes later (attach, a resumed Jenkins build) finds the run ended and reports it so.
        String id = runId(result);
        RestoreResult again = RestoreJob.forReattach(host.restoreRequest(cluster, backup.backupPath()).build()
                .connection(), false, new RealHostSupport.RecordingListener()).reattach(cluster.pgdata().toString(), id);
        assertThat(again.ok()).as(String.valueOf(again.errorMessage())).isTrue();
        assertThat(again.exitCode()).isZero();
        assertThat(again.movedAsideTo()).isEqualTo(result.movedAsideTo());
        assertThat(again.restoredFrom()).isEqualTo(backup.backupPath());
        assertThat(again.downtimeMillis()).isEqualTo(result.downtimeMillis());
        assertThat(again.databaseRunning()).isTrue();
        assertThat(again.logPath()).isEqualTo(result.logPath());
        assertThat(RealHostSupport.entries(Path.of(result.logPath()).getParent())).contains("restore.log", "state")
                .doesNotContain("follow.sh");
        assertThat(cluster.query(QUERY)).isEqualTo(atBackup);
    }

    /** The id of the restore run whose log {@code result} names: its run directory is .<name>.restore-<id>.run. */
    private static String runId(RestoreResult result) {
        String runDir = Path.of(result.logPath()).getParent().getFileName().toString();
        assertThat(runDir).matches("\\..+\\.restore-\\d{8}T\\d{6}Z\\.run");
        return runDir.substring(runDir.lastIndexOf("restore-") + "restore-".length(), runDir.length() - ".run".length());
    }

    @Test
    @FaultCase(id = "restore.client-gave-up-attach", area = "Faults during backup and restore", phase = "copy",
            injected = "while the restore copy is frozen, sshd is SIGSTOPped and our sessions killed, so that the"
                    + " client cannot reconnect and gives up; then sshd goes on and a new client re-attaches",
            mustHold = {"the first client ends with CONNECTION_LOST and the run's log", "the restore runner goes on",
                    "the re-attached client follows it to its end: ok, exit 0, what was moved aside",
                    "PostgreSQL serves the backup's rows; the original data directory is kept aside"})
    void aNewClientReattachesToARestoreWhoseClientGaveUp() throws Exception {
        Changed changed = changedSinceItsBackup();
        PgCluster cluster = changed.cluster();
        String atBackup = changed.atBackup();
        BackupResult backup = changed.backup();
        RestoreRequest request = host.restoreRequest(cluster, backup.backupPath()).connectTimeout(Duration.ofSeconds(2))
                .reconnectTimeout(Duration.ofSeconds(3)).build();

        CompletableFuture<RestoreResult> first = CompletableFuture.supplyAsync(
                () -> new RestoreJob(request, new RealHostSupport.RecordingListener()).run());
        long tar = RunnerProbe.freezeCopy(cluster.directory(), Duration.ofSeconds(90));
        RestoreResult gaveUp;
        try {
            assertThat(Procs.signal(host.sshd.pid(), "STOP")).isTrue();
            try {
                host.sshd.killSessions();
                gaveUp = first.get(60, TimeUnit.SECONDS);
            } finally {
                Procs.signal(host.sshd.pid(), "CONT");
            }
            assertThat(gaveUp.ok()).isFalse();
            assertThat(gaveUp.errorCode()).as(gaveUp.errorMessage()).isEqualTo(ErrorCode.CONNECTION_LOST);
            assertThat(gaveUp.logPath()).isNotNull();
            assertThat(gaveUp.errorMessage()).endsWith(". `attach --restore --pgdata " + cluster.pgdata() + " --id "
                    + runId(gaveUp) + "` follows the restore to its end and reports it");

            RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
            CompletableFuture<RestoreResult> attach = CompletableFuture.supplyAsync(() -> RestoreJob.forReattach(
                    request.connection(), false, listener).reattach(cluster.pgdata().toString(), runId(gaveUp)));
            Thread.sleep(1000);
            assertThat(attach).as("the new client follows the frozen run").isNotDone();
            RunnerProbe.thaw(tar);
            tar = -1;
            RestoreResult result = attach.get(120, TimeUnit.SECONDS);

            assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
            assertThat(result.exitCode()).isZero();
            assertThat(result.databaseRunning()).isTrue();
            assertThat(result.restoredFrom()).isEqualTo(backup.backupPath());
            assertThat(result.downtimeMillis()).isPositive();
            assertThat(listener.lines).anyMatch(l -> l.startsWith("re-attaching to restore run " + runId(gaveUp)));
            assertThat(cluster.isRunning()).isTrue();
            assertThat(cluster.query(QUERY)).isEqualTo(atBackup);
            assertThat(Path.of(result.movedAsideTo()).resolve("PG_VERSION")).exists();
            assertThat(RealHostSupport.entries(Path.of(result.logPath()).getParent())).contains("restore.log", "state")
                    .doesNotContain("lib.sh", "follow.sh", "restore.sh");
        } finally {
            if (tar > 0) {
                RunnerProbe.thaw(tar);
            }
        }
    }

    /**
     * A run directory whose runner never started (its client died between making it and the launch)
     * has no state: a re-attached follower, which does not know a pid, must not poll it forever.
     */
    @Test
    void aRunWhoseRunnerNeverStartedIsReportedNotFollowedForever() throws Exception {
        PgCluster cluster = host.cluster();
        String id = "20200101T000000Z";
        Path run = cluster.directory().resolve("." + cluster.pgdata().getFileName() + ".restore-" + id + ".run");
        Files.createDirectory(run);
        Files.writeString(run.resolve("params"), "was_running=true\nbackup=/nonexistent\n");
        host.user.chownToUser(run);
        host.user.chownToUser(run.resolve("params"));

        long start = System.nanoTime();
        RestoreResult result = RestoreJob.forReattach(host.restoreRequest(cluster, "/nonexistent").build().connection(),
                false, new RealHostSupport.RecordingListener()).reattach(cluster.pgdata().toString(), id);

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.RUNNER_DIED);
        assertThat(result.errorMessage()).startsWith("the run " + id + " has no runner: after 15 s its state ("
                + run.resolve("state") + ") names none");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(cluster.isRunning()).isTrue();
    }

    @Test
    void reattachRefusesWhatIsNotARestoreRun() {
        PgCluster cluster = host.cluster();
        RestoreJob job = RestoreJob.forReattach(host.restoreRequest(cluster, "/nonexistent").build().connection(), false,
                new RealHostSupport.RecordingListener());
        RestoreResult badId = job.reattach(cluster.pgdata().toString(), "../x");
        assertThat(badId.errorCode()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.errorMessage()).startsWith("not a restore run id: '../x'");
        RestoreResult none = RestoreJob.forReattach(host.restoreRequest(cluster, "/nonexistent").build().connection(),
                false, new RealHostSupport.RecordingListener()).reattach(cluster.pgdata().toString(), "20200101T000000Z");
        assertThat(none.errorCode()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.errorMessage()).isEqualTo("there is no restore run 20200101T000000Z of " + cluster.pgdata()
                + " (" + cluster.directory().resolve(".data.restore-20200101T000000Z.run") + " does not exist); there"
                + " is none of it at all. Nothing was changed");
        assertThat(cluster.isRunning()).isTrue();
    }

    /**
     * Clients connected to the cluster a restore would replace: by default it is refused, with the
     * sessions listed and nothing touched. It looks once more before it refuses, as a backup does: a
     * client that leaves as the job says it will look again does not stop the restore.
     */
    @Test
    void connectedClientsRefuseTheRestoreUnlessTheyLeaveBeforeTheSecondLook() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 'at backup' AS v");
        BackupResult backup = backupOf(cluster);
        cluster.query("UPDATE t SET v = 'after backup'");
        long pid = cluster.postmasterPid();

        Process stays = cluster.openSession("SELECT pg_sleep(600)");
        RestoreResult refused;
        try {
            refused = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath()).build());
        } finally {
            stays.destroyForcibly();
        }
        assertThat(refused.errorCode()).as(refused.errorMessage()).isEqualTo(ErrorCode.ACTIVE_SESSIONS);
        assertThat(refused.errorMessage()).contains("1 client session(s) connected", "app 'pgob-session-", "Nothing was changed");
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
        assertThat(cluster.query("SELECT v FROM t")).isEqualTo("after backup");

        Process leaves = cluster.openSession("SELECT pg_sleep(600)");
        try {
            RestoreResult result = new RestoreJob(host.restoreRequest(cluster, backup.backupPath()).build(),
                    RealHostSupport.endingSessionsAt("looking again", cluster, leaves)).run();

            assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
            assertThat(leaves.isAlive()).isFalse();
            assertThat(cluster.query("SELECT v FROM t")).isEqualTo("at backup");
        } finally {
            leaves.destroyForcibly();
        }
    }

    @Test
    @FaultCase(id = "restore.will-not-start", area = "Faults during backup and restore", phase = "start",
            injected = "a backup whose postgresql.conf has an invalid setting (manifest made to agree)",
            mustHold = {"START_FAILED, exit 1, rolled back, databaseRunning true", "the original data directory runs again with its rows", "the failed copy is kept aside"})
    void aRestoredClusterThatCannotStartIsRolledBack() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 'original' AS v");
        BackupResult backup = backupOf(cluster);
        // Break the backup's configuration consistently (manifest updated as the runner would), so that it
        // passes verification and then fails to start.
        Path backupDir = Path.of(backup.backupPath());
        breakConfiguration(backupDir);
        cluster.query("UPDATE t SET v = 'changed after backup'");
        long pidBefore = cluster.postmasterPid();

        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath()).build());

        assertThat(result.ok()).isFalse();
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.START_FAILED);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.postmasterPid()).isNotEqualTo(pidBefore);
        assertThat(cluster.query("SELECT v FROM t")).isEqualTo("changed after backup");
        assertThat(result.failedRestoreAt()).contains(".failed-restore-");
        assertThat(Path.of(result.failedRestoreAt()).resolve("PG_VERSION")).exists();
    }

    @Test
    @FaultCase(id = "restore.connection-killed", area = "Faults during backup and restore", phase = "copy",
            injected = "the sshd session processes SIGKILLed while the restore copy is frozen",
            mustHold = {"the client reconnects and the restore completes", "PostgreSQL serves the backup's rows"})
    void lostConnectionDuringTheCopyIsReattachedAndTheRestoreCompletes() throws Exception {
        Changed changed = changedSinceItsBackup();
        PgCluster cluster = changed.cluster();
        String atBackup = changed.atBackup();
        BackupResult backup = changed.backup();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        RestoreRequest request = host.restoreRequest(cluster, backup.backupPath()).build();

        CompletableFuture<RestoreResult> job = CompletableFuture.supplyAsync(
                () -> new RestoreJob(request, listener).run());
        long tar = RunnerProbe.freezeCopy(cluster.directory(), Duration.ofSeconds(90));
        host.sshd.killSessions();
        Thread.sleep(500);
        RunnerProbe.thaw(tar);
        RestoreResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("lost the connection"));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(QUERY)).isEqualTo(atBackup);
    }

    @Test
    @FaultCase(id = "restore.max-downtime", area = "Faults during backup and restore", phase = "copy",
            injected = "the restore copy frozen past a 3 s maximum downtime",
            mustHold = {"MAX_DOWNTIME, exit 1, rolled back", "the original rows are served"})
    void maxDowntimeDuringTheCopyRollsBackToTheOriginal() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(10));
        cluster.query("CREATE TABLE notes AS SELECT 1 AS id");
        BackupResult backup = backupOf(cluster);
        cluster.query("INSERT INTO notes VALUES (2)");
        RestoreRequest request = host.restoreRequest(cluster, backup.backupPath())
                .maxDowntime(Duration.ofSeconds(3)).build();

        CompletableFuture<RestoreResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.restore(request));
        long tar = RunnerProbe.freezeCopy(cluster.directory(), Duration.ofSeconds(90));
        RestoreResult result = job.get(120, TimeUnit.SECONDS);
        RunnerProbe.thaw(tar);

        assertThat(result.errorCode()).isEqualTo(ErrorCode.MAX_DOWNTIME);
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(cluster.query("SELECT count(*) FROM notes")).isEqualTo("2");
    }

    @Test
    void wrongConfirmationIsRefusedBeforeAnythingHappens() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        long pid = cluster.postmasterPid();
        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, "/nonexistent/backup")
                .confirm(cluster.pgdata() + "/").build());
        assertThat(result.errorCode()).isEqualTo(ErrorCode.CONFIRMATION_MISMATCH);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
    }

    @Test
    void aPartialBackupIsNeverRestored() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        BackupResult backup = backupOf(cluster);
        Path partial = Path.of(backup.backupPath()).resolveSibling("." + backup.backupId() + ".partial");
        Files.move(Path.of(backup.backupPath()), partial);
        long pid = cluster.postmasterPid();

        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, partial.toString()).build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.BACKUP_INCOMPLETE);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
        assertThat(RealHostSupport.entries(cluster.directory())).noneMatch(n -> n.contains("pre-restore"));
    }

    /** An invalid setting in the backup's postgresql.conf, with the manifest made to agree. */
    static void breakConfiguration(Path backupDir) throws Exception {
        Path conf = backupDir.resolve("data/postgresql.conf");
        Files.writeString(conf, Files.readString(conf) + "\nshared_buffers = 'not a size'\n");
        ManifestEditor.resync(backupDir, List.of("postgresql.conf"));
    }
}
