package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into each phase of the backup's critical section on the host: the SSH connection
 * killed (sshd's session process for our connection, by its pid), and the runner itself killed with
 * SIGKILL. One small cluster serves every case; each case starts from it running and checks it is
 * running, with the same rows, afterwards.
 */
class BackupFaultsTest {
    static final String ROWS = "SELECT count(*), sum(abalance), sum(bid) FROM pgbench_accounts";
    private static final String AREA = "Faults during backup and restore";

    private static RealHostSupport host;
    private static PgCluster cluster;
    private static String rows;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        rows = cluster.query(ROWS);
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void running() {
        if (!cluster.isRunning()) {
            cluster.start();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stop", "copy", "verify", "start", "record"})
    @FaultCase(id = "backup.connection-killed", area = AREA, phase = "{0}",
            injected = "the sshd session process of our connection SIGKILLed (by pid) while the runner is held in the phase",
            mustHold = {"the client reconnects and follows the runner to its end", "the backup completes (exit 0)",
                    "PostgreSQL runs with the same rows", "exactly one complete backup directory, with a manifest"})
    void connectionKilledIn(String phase) throws Exception {
        Path dest = host.dest();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupRequest request = host.request(cluster, dest).build();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> new BackupJob(request, listener).run());
        long runner = RunHold.freezeRunnerIn(dest, phase, Duration.ofSeconds(90), job);
        try {
            assertThat(host.sshd.sessionProcessPids()).as("our connection's session processes").isNotEmpty();
            host.sshd.killSessions();
            Thread.sleep(500);
        } finally {
            Procs.signal(runner, "CONT");
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(listener.warnings).anyMatch(w -> w.contains("lost the connection"));
        assertThat(listener.lines).anyMatch(l -> l.contains("reconnected"));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
        assertThat(RealHostSupport.entries(dest)).containsExactly(result.backupId());
        assertThat(Path.of(result.manifestPath())).isRegularFile();
    }

    @Test
    @FaultCase(id = "backup.run-unreadable", area = AREA, phase = "copy",
            injected = "the run's follow.sh made unreadable to the SSH user (chmod 000) while the runner is held in"
                    + " the copy: the host answers every poll with an error",
            mustHold = {"the client stops after three such polls in a row, each after a reconnect, instead of polling"
                    + " forever: CONNECTION_LOST, exit 1, the host's words and the state file in the message",
                    "the runner, let go, completes the backup by itself", "PostgreSQL runs with the same rows"})
    void aRunTheClientCannotReadIsLeftToItsRunnerNotPolledForever() throws Exception {
        Path dest = host.dest();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupRequest request = host.request(cluster, dest).build();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> new BackupJob(request, listener).run());
        long runner = RunHold.freezeRunnerIn(dest, "copy", Duration.ofSeconds(90), job);
        Path state = RunHold.stateFile(dest).orElseThrow();
        BackupResult result;
        try {
            Files.setPosixFilePermissions(state.resolveSibling("follow.sh"), Set.of());
            result = job.get(120, TimeUnit.SECONDS);
        } finally {
            Procs.signal(runner, "CONT");
        }

        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errorMessage()).contains("cannot follow the runner: the host answered 3 polls in a row with an"
                + " error", "Permission denied", state.toString());
        assertThat(Procs.awaitDeath(runner, Duration.ofSeconds(120))).as("the runner ends").isTrue();
        assertThat(Files.readString(state)).containsPattern("(?m)^\\d+ end ok");
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
        assertThat(RealHostSupport.entries(dest)).contains(result.backupId() == null
                ? state.getParent().getFileName().toString().replaceAll("^\\.|\\.run$", "") : result.backupId());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stop", "copy", "verify", "start", "record"})
    @FaultCase(id = "backup.runner-killed", area = AREA, phase = "{0}",
            injected = "the runner on the host (and its tar, pg_ctl, progress loop) SIGKILLed while held in the phase",
            mustHold = {"the Java side notices the dead runner and runs its recover mode",
                    "error RUNNER_DIED, exit 1, databaseRunning true", "PostgreSQL runs with the same rows",
                    "no directory without a leading dot (none claims to be complete)",
                    "the recovery removes the killed runner's scratch directory"})
    void runnerKilledIn(String phase) throws Exception {
        Path dest = host.dest();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupRequest request = host.request(cluster, dest).build();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> new BackupJob(request, listener).run());
        long runner = RunHold.freezeRunnerIn(dest, phase, Duration.ofSeconds(90), job);
        RunHold.killRunner(runner);
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.RUNNER_DIED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("runner on the host died"));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
        assertThat(Files.exists(Path.of(dest.toString(), result.backupId()))).isFalse();
        assertThat(RealHostSupport.scratchOf(dest, result.backupId())).as("the killed runner's scratch directory")
                .doesNotExist();
    }
}
