package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files that vanish or become unreadable while the pre-copy ({@code --precopy}) reads a running
 * cluster: the pre-copy's tar is held (SIGSTOP) right after it starts, the file is changed, and the
 * tar goes on. Each case uses its own small cluster.
 */
class PrecopyFaultsTest {
    private static final String AREA = "Faults during backup and restore";
    private static final String ROWS = BackupFaultsTest.ROWS;

    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static Path ownFile(PgCluster cluster, String name) throws Exception {
        Path file = cluster.pgdata().resolve(name);
        Files.writeString(file, name.repeat(512), StandardCharsets.US_ASCII);
        host.user.chownToUser(file);
        return file;
    }

    /** Starts a --precopy backup, holds its pre-copy's tar, runs {@code fault}, lets the tar go on. */
    private static BackupResult precopyWith(PgCluster cluster, Path dest, ThrowingRunnable fault) throws Exception {
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.backup(
                host.request(cluster, dest).precopy(true).build()));
        long tar = RunHold.freezeCopyReading(dest, cluster.pgdata(), Duration.ofSeconds(90));
        try {
            assertThat(RunHold.lastPhase(RunHold.state(dest))).as("held in the pre-copy").isEqualTo("precopy");
            fault.run();
        } catch (Exception | AssertionError e) {
            RunnerProbe.thaw(tar);
            // The run goes on without the test. Waited for, it cannot start PostgreSQL again after the
            // class has stopped the cluster, which would leave a postmaster behind the failed test.
            try {
                job.get(180, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException late) {
                e.addSuppressed(late);
            }
            throw e;
        }
        RunnerProbe.thaw(tar);
        return job.get(180, TimeUnit.SECONDS);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    @FaultCase(id = "precopy.file-vanished", area = AREA, phase = "precopy",
            injected = "a file in PGDATA deleted while the pre-copy's tar is held after it listed the files "
                    + "(as PostgreSQL removes WAL segments and dropped relations while it runs)",
            mustHold = {"the backup completes (exit 0)", "the vanished file is not in the backup",
                    "the backup starts and holds the rows at the stop", "PostgreSQL runs with the same rows"})
    void aFileVanishingDuringThePrecopyIsNormal() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        String rows = cluster.query(ROWS);
        Path gone = ownFile(cluster, "pgob_gone");
        Path dest = host.dest();

        BackupResult result = precopyWith(cluster, dest, () -> Files.delete(gone));

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.exitCode()).isZero();
        Path data = Path.of(result.backupPath(), "data");
        assertThat(data.resolve("pgob_gone")).doesNotExist();
        assertThat(host.startCopyOf(data).query(ROWS)).isEqualTo(rows);
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
    }

    @Test
    @FaultCase(id = "precopy.file-unreadable", area = AREA, phase = "precopy, copy",
            injected = "a file in PGDATA made mode 000 while the pre-copy's tar is held, and left so after the stop "
                    + "(its mtime recent, so the copy after the stop must read it again)",
            mustHold = {"the pre-copy tolerates it, the copy after the stop does not: COPY_FAILED, exit 1",
                    "the log names the file", "databaseRunning true; PostgreSQL runs with the same rows",
                    "no directory without a leading dot (none claims to be complete)"})
    void aFileUnreadableAfterTheStopFailsTheCopyAndPostgresqlRunsAgain() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        String rows = cluster.query(ROWS);
        Path locked = ownFile(cluster, "pgob_unreadable");
        Path dest = host.dest();

        BackupResult result = precopyWith(cluster, dest, () -> {
            Files.setPosixFilePermissions(locked, java.util.Set.of());
            // A write during the pre-copy: the copy after the stop has to read the file again.
            ProcessRunner.run(List.of("touch", "-m", locked.toString()), Duration.ofSeconds(10)).orThrow();
        });

        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.COPY_FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(Files.readString(Path.of(result.logPath()))).contains("pgob_unreadable");
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
    }
}
