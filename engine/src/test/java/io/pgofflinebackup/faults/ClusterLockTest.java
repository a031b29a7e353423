package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One run per cluster at a time, whatever its destination: a second backup or a restore of a cluster
 * that a run is working on is refused by the lock on the host, which names its holder; a lock left by
 * a killed runner is found stale and taken over.
 */
class ClusterLockTest {
    private static final String AREA = "Concurrent runs";
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static String rows;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        rows = cluster.query(BackupFaultsTest.ROWS);
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

    /** This cluster's lock, if it is there. */
    private static List<Path> clusterLocks() throws Exception {
        Path lock = RunHold.clusterLock(cluster);
        return Files.isDirectory(lock) ? List.of(lock) : List.of();
    }

    @Test
    @FaultCase(id = "lock.second-backup-refused", area = AREA, phase = "copy (of the first run)",
            injected = "a second backup of the same cluster into another destination while the first is mid-copy",
            mustHold = {"the second is refused: LOCKED, exit 2, naming the holder (run id, kind, pid, host)",
                    "the second touched nothing (no complete directory in its destination)",
                    "the first completes", "PostgreSQL runs with the same rows"})
    void aSecondBackupOfTheClusterIsRefusedNamingTheHolder() throws Exception {
        Path first = host.dest();
        Path second = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, first).build()));
        long tar = RunnerProbe.freezeCopy(first, Duration.ofSeconds(90));
        long runner = RunnerProbe.runnerPid(first).orElseThrow();
        BackupResult refused;
        try {
            refused = RealHostSupport.backup(host.request(cluster, second).build());
        } finally {
            RunnerProbe.thaw(tar);
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(refused.errorCode()).as(refused.errorMessage()).isEqualTo(ErrorCode.LOCKED);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errorMessage()).contains("another run is working on the cluster",
                "run=" + result.backupId(), "kind=backup", "pid=" + runner, "host=", "was not touched");
        assertThat(RealHostSupport.entries(second)).allMatch(name -> name.startsWith("."));
        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query(BackupFaultsTest.ROWS)).isEqualTo(rows);
        assertThat(clusterLocks()).as("the lock is given back at the end").isEmpty();
    }

    @Test
    @FaultCase(id = "lock.restore-refused-during-backup", area = AREA, phase = "copy (of the backup)",
            injected = "a restore of the cluster while a backup of it is mid-copy",
            mustHold = {"the restore is refused: LOCKED, exit 2, naming the backup run",
                    "nothing was moved aside", "the backup completes", "PostgreSQL runs with the same rows"})
    void aRestoreTakesTheSameLock() throws Exception {
        BackupResult earlier = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(earlier.ok()).as(String.valueOf(earlier.errorMessage())).isTrue();
        Path dest = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        RestoreResult refused;
        try {
            refused = RealHostSupport.restore(host.restoreRequest(cluster, earlier.backupPath()).build());
        } finally {
            RunnerProbe.thaw(tar);
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(refused.errorCode()).as(refused.errorMessage()).isEqualTo(ErrorCode.LOCKED);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errorMessage()).contains("run=" + result.backupId(), "kind=backup");
        assertThat(RealHostSupport.entries(cluster.directory())).noneMatch(n -> n.contains("pre-restore"));
        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query(BackupFaultsTest.ROWS)).isEqualTo(rows);
    }

    @Test
    @FaultCase(id = "lock.stale-taken-over", area = AREA, phase = "copy (of the killed run)",
            injected = "the runner SIGKILLed mid-copy; its lock, as it held it, left behind (as when its client dies"
                    + " with it and nobody recovers the run); later the same lock with its pid given to a live"
                    + " process that started at another time (pid reuse)",
            mustHold = {"the client's recovery gives back the dead runner's lock",
                    "the next backup finds a left-behind lock stale (holder dead), takes it over and says so in its"
                    + " log", "a lock whose pid lives but started at another time is stale too",
                    "the backups complete and PostgreSQL runs with the same rows"})
    void aStaleLockFromAKilledRunIsTakenOver() throws Exception {
        Path dest = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        long runner = RunHold.freezeRunnerIn(dest, "copy", Duration.ofSeconds(90));
        assertThat(clusterLocks()).as("the running backup's lock").hasSize(1);
        Path lock = clusterLocks().get(0);
        String holder = Files.readString(lock.resolve("holder"));
        RunHold.killRunner(runner);
        BackupResult killed = job.get(120, TimeUnit.SECONDS);
        assertThat(killed.errorCode()).isEqualTo(ErrorCode.RUNNER_DIED);
        assertThat(holder).contains("run=" + killed.backupId(), "pid=" + runner);
        assertThat(clusterLocks()).as("the lock after the client recovered the run").isEmpty();

        leaveLock(lock, holder);
        BackupResult next = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(next.ok()).as(String.valueOf(next.errorMessage())).isTrue();
        assertThat(Files.readString(Path.of(next.backupPath(), "backup.log")))
                .contains("took over the stale lock", "run=" + killed.backupId());

        // The same holder again, but its pid now belongs to a live process that started later.
        Process reused = new ProcessBuilder(host.user.execAsUser(List.of("sleep", "300"))).start();
        try {
            leaveLock(lock, holder.replace("pid=" + runner + "\n", "pid=" + reused.pid() + "\n"));
            BackupResult third = RealHostSupport.backup(host.request(cluster, host.dest()).build());
            assertThat(third.ok()).as(String.valueOf(third.errorMessage())).isTrue();
            assertThat(Files.readString(Path.of(third.backupPath(), "backup.log")))
                    .contains("took over the stale lock", "pid=" + reused.pid());
        } finally {
            reused.destroyForcibly();
            Procs.awaitDeath(reused.pid(), Duration.ofSeconds(10));
        }
        assertThat(cluster.query(BackupFaultsTest.ROWS)).isEqualTo(rows);
        assertThat(clusterLocks()).isEmpty();
    }

    /** Puts a lock with the given holder where a run left it, as the user, 0700 and 0600. */
    private static void leaveLock(Path lock, String holder) throws Exception {
        Files.createDirectory(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(lock.resolve("holder"), holder);
        Files.setPosixFilePermissions(lock.resolve("holder"), PosixFilePermissions.fromString("rw-------"));
        host.user.chownToUser(lock);
    }
}
