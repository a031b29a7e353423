package io.pgofflinebackup.backup;

import io.pgofflinebackup.faults.FaultCase;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens between the stop and the start when things go wrong: PostgreSQL must come back,
 * and no directory may claim to be a complete backup unless it is one.
 */
class CriticalSectionTest {
    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    @FaultCase(id = "backup.max-downtime", area = "Faults during backup and restore", phase = "copy",
            injected = "the copy frozen (SIGSTOP on tar) past a 3 s maximum downtime",
            mustHold = {"MAX_DOWNTIME, exit 1, databaseRunning true", "the runner gave up at the limit, not when the copy ended", "PostgreSQL runs with the same rows", "only a .partial directory, no complete backup"})
    void maxDowntimeAbandonsTheCopyAndStartsPostgresqlAgain() throws Exception {
        PgCluster cluster = host.cluster();
        Path dest = host.dest();
        // Long enough for the copy to start (and be frozen) even on a loaded machine: a limit reached
        // before the copy starts abandons it at once, and there would be no copy left to freeze.
        BackupRequest request = host.request(cluster, dest).maxDowntime(Duration.ofSeconds(12)).build();

        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.backup(request));
        long cp = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(60));
        long frozenAt = System.nanoTime();
        BackupResult result = job.get(90, TimeUnit.SECONDS);
        RunnerProbe.thaw(cp);

        assertThat(result.ok()).isFalse();
        assertThat(result.errorCode()).isEqualTo(ErrorCode.MAX_DOWNTIME);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(result.errorMessage()).contains("maximum downtime", "running again");
        // The runner gave up at the limit, not when the stuck copy ended by itself.
        assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(Duration.ofSeconds(30));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query("SELECT count(*) FROM pgbench_branches")).isEqualTo("1");
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."))
                .anyMatch(name -> name.endsWith(".partial"));
    }

    @Test
    void lostConnectionDuringTheCopyIsReattachedAndTheBackupCompletes() throws Exception {
        PgCluster cluster = host.cluster();
        Path dest = host.dest();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupRequest request = host.request(cluster, dest).build();

        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> new BackupJob(request, listener).run());
        long cp = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(60));
        host.sshd.killSessions();
        Thread.sleep(500);
        RunnerProbe.thaw(cp);
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("lost the connection"));
        assertThat(listener.lines).anyMatch(l -> l.contains("reconnected"));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(RealHostSupport.entries(dest)).containsExactly(result.backupId());
    }

    @Test
    @FaultCase(id = "backup.will-not-stop", area = "Faults during backup and restore", phase = "stop",
            injected = "a client holding a smart shutdown (SELECT pg_sleep(600)) with a 3 s stop time-out",
            mustHold = {"STOP_TIMEOUT, exit 1, databaseRunning true, the message names the mode and time-out", "the shutdown is finished in fast mode and PostgreSQL serves again", "no complete backup directory"})
    void smartShutdownHeldByAClientIsFinishedAndPostgresqlStartedAgain() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Process client = cluster.openSession("SELECT pg_sleep(600)");
        try {
            Path dest = host.dest();
            BackupRequest request = host.request(cluster, dest).stopMode(StopMode.SMART)
                    .activeSessions(ActiveSessionPolicy.PROCEED).stopTimeout(Duration.ofSeconds(3)).build();

            BackupResult result = RealHostSupport.backup(request);

            assertThat(result.errorCode()).isEqualTo(ErrorCode.STOP_TIMEOUT);
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.databaseRunning()).isTrue();
            assertThat(result.errorMessage()).contains("did not stop within 3s in smart mode");
            assertThat(cluster.isRunning()).isTrue();
            assertThat(cluster.query("SELECT 1")).isEqualTo("1");
            // A smart shutdown cannot be withdrawn, so it was finished in fast mode: the client is gone.
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(RealHostSupport.entries(dest)).noneMatch(name -> !name.startsWith("."));
        } finally {
            client.destroyForcibly();
        }
    }

    /**
     * A client still listed at the first look may be one that is just leaving (its server process exits a
     * moment after it): the default policy looks once more before it refuses. Here the client goes as the
     * job says it will look again, and the backup proceeds.
     */
    @Test
    void aClientThatLeavesBeforeTheSecondLookDoesNotStopTheBackup() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Process client = cluster.openSession("SELECT pg_sleep(600)");
        try {
            BackupResult result = new BackupJob(host.request(cluster, host.dest()).build(),
                    RealHostSupport.endingSessionsAt("looking again", cluster, client)).run();

            assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
            assertThat(client.isAlive()).isFalse();
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void connectedClientsAreListedAndTheBackupRefusedByDefault() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Process client = cluster.openSession("SELECT pg_sleep(600)");
        try {
            long pid = cluster.postmasterPid();
            Path dest = host.dest();

            BackupResult result = RealHostSupport.backup(host.request(cluster, dest).build());

            assertThat(result.errorCode()).isEqualTo(ErrorCode.ACTIVE_SESSIONS);
            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.errorMessage()).contains("1 client session(s) connected", "--active-sessions");
            assertThat(cluster.postmasterPid()).isEqualTo(pid);
            assertThat(client.isAlive()).isTrue();
            assertThat(RealHostSupport.entries(dest)).isEmpty();
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void waitPolicyGoesAheadOnceTheClientsHaveLeft() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Process client = cluster.openSession("SELECT pg_sleep(600)");
        try {
            BackupRequest request = host.request(cluster, host.dest())
                    .activeSessions(ActiveSessionPolicy.waitFor(Duration.ofSeconds(60))).build();
            CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.backup(request));
            Thread.sleep(3000);
            assertThat(job).isNotDone();
            // The client leaves (a backend in pg_sleep does not notice its client going away by itself).
            cluster.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");

            BackupResult result = job.get(90, TimeUnit.SECONDS);

            assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    @FaultCase(id = "backup.crashed-cluster", area = "Faults during backup and restore", phase = "inspect",
            injected = "the cluster stopped in immediate mode (pg_control: in production)",
            mustHold = {"refused before anything: NOT_CLEANLY_STOPPED, exit 2, with advice to start it", "it stays stopped", "the destination stays empty"})
    void crashedClusterIsRefusedWithAdvice() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.stopImmediate();
        Path dest = host.dest();

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.NOT_CLEANLY_STOPPED);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errorMessage()).contains("in production", "Start it");
        assertThat(cluster.isRunning()).isFalse();
        assertThat(RealHostSupport.entries(dest)).isEmpty();
    }
}
