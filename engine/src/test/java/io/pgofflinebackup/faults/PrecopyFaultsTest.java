package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.testing.LoopMount;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.TestUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * cluster: one of the pre-copy's copy processes is held (SIGSTOP) right after it starts, the file is
 * changed, and the copy goes on; and a destination that fills up before the pre-copy writes. Each
 * case uses its own small cluster.
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

    /** Starts a --precopy backup, holds one of its pre-copy's copy processes, runs {@code fault}, lets it go on. */
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
            injected = "a file in PGDATA deleted while one of the pre-copy's copy processes is held after the files "
                    + "were listed (as PostgreSQL removes WAL segments and dropped relations while it runs)",
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
    @FaultCase(id = "precopy.readonly-dir-removed", area = AREA, phase = "copy",
            injected = "a directory of PGDATA with a file in it, read-only (0500) when the pre-copy copied it, removed "
                    + "from PGDATA while the runner is held before its CHECKPOINT; a file removed from another",
            mustHold = {"the copy after the stop removes it from the copy too, though the runner is not root: the "
                    + "backup completes, exit 0", "a read-only directory that lost a file keeps its mode in the copy",
                    "the backup has no trace of it and starts with the rows at the stop"})
    void aReadOnlyDirectoryRemovedAfterThePrecopyGoesFromTheCopyToo() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        String rows = cluster.query(ROWS);
        Path dir = Files.createDirectory(cluster.pgdata().resolve("pgob_readonly"));
        Files.writeString(dir.resolve("inside"), "a file in a read-only directory", StandardCharsets.US_ASCII);
        host.user.chownToUser(dir);
        host.user.chownToUser(dir.resolve("inside"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        // And one that stays, read-only, but loses one of its two files.
        Path kept = Files.createDirectory(cluster.pgdata().resolve("pgob_readonly_kept"));
        for (String name : List.of("stays", "goes")) {
            Files.writeString(kept.resolve(name), name, StandardCharsets.US_ASCII);
            host.user.chownToUser(kept.resolve(name));
        }
        host.user.chownToUser(kept);
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("r-x------"));
        Path dest = host.dest();

        BackupResult result = precopyHeldIn(cluster, dest, "checkpoint", () -> {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.delete(dir.resolve("inside"));
            Files.delete(dir);
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rwx------"));
            Files.delete(kept.resolve("goes"));
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("r-x------"));
        });

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        Path data = Path.of(result.backupPath(), "data");
        assertThat(data.resolve("pgob_readonly")).doesNotExist();
        assertThat(RealHostSupport.entries(data.resolve("pgob_readonly_kept"))).containsExactly("stays");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("pgob_readonly_kept"))))
                .as("the mode it has in PGDATA").isEqualTo("r-x------");
        assertThat(host.startCopyOf(data).query(ROWS)).isEqualTo(rows);
        assertThat(cluster.query(ROWS)).isEqualTo(rows);
    }

    /** Starts a --precopy backup, holds its runner as it enters {@code phase}, runs {@code fault}, lets it go on. */
    private static BackupResult precopyHeldIn(PgCluster cluster, Path dest, String phase, ThrowingRunnable fault)
            throws Exception {
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.backup(
                host.request(cluster, dest).precopy(true).build()));
        long runner = RunHold.freezeRunnerIn(dest, phase, Duration.ofSeconds(90), job);
        try {
            fault.run();
        } finally {
            Procs.signal(runner, "CONT");
        }
        return job.get(180, TimeUnit.SECONDS);
    }

    /** A running cluster with a file of ours in PGDATA, as found before the backup. */
    private record Found(PgCluster cluster, String rows, long pid, Path file) {
        static Found withOwnFile(String name) throws Exception {
            PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
            return new Found(cluster, cluster.query(ROWS), cluster.postmasterPid(), ownFile(cluster, name));
        }
    }

    /** COPY_FAILED, exit 1, PostgreSQL running with the rows it had, nothing that claims to be complete. */
    private static void assertFailedAndRunning(BackupResult result, Found found, Path dest, String... inLog)
            throws Exception {
        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.COPY_FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(Files.readString(Path.of(result.logPath()))).contains(inLog);
        assertThat(found.cluster().query(ROWS)).isEqualTo(found.rows());
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
    }

    @Test
    @FaultCase(id = "precopy.file-unreadable-after", area = AREA, phase = "copy",
            injected = "a file in PGDATA made mode 000 (and its mtime made recent) after the pre-copy read it, while "
                    + "the runner is held before its CHECKPOINT; left so after the stop",
            mustHold = {"the copy after the stop must read the file again and cannot: COPY_FAILED, exit 1",
                    "the log names the file", "databaseRunning true; PostgreSQL runs again with the same rows",
                    "no directory without a leading dot (none claims to be complete)"})
    void aFileUnreadableAfterThePrecopyFailsTheCopyAfterTheStop() throws Exception {
        Found found = Found.withOwnFile("pgob_unreadable");
        Path dest = host.dest();

        BackupResult result = precopyHeldIn(found.cluster(), dest, "checkpoint", () -> {
            Files.setPosixFilePermissions(found.file(), java.util.Set.of());
            ProcessRunner.run(List.of("touch", "-m", found.file().toString()), Duration.ofSeconds(10)).orThrow();
        });

        assertFailedAndRunning(result, found, dest, "pgob_unreadable");
        assertThat(found.cluster().postmasterPid()).as("a postmaster started again after the stop")
                .isNotEqualTo(found.pid());
    }

    @Test
    @FaultCase(id = "precopy.file-unreadable-before", area = AREA, phase = "precopy",
            injected = "a file in PGDATA made mode 000 after the pre-flight, while the runner is held as the pre-copy "
                    + "begins",
            mustHold = {"the pre-copy tolerates only files that vanish: it fails before the stop, COPY_FAILED, exit 1",
                    "the log names the file and says why", "the postmaster keeps its pid and its rows",
                    "no directory without a leading dot"})
    void aFileUnreadableAsThePrecopyBeginsFailsItBeforeTheStop() throws Exception {
        Found found = Found.withOwnFile("pgob_unreadable");
        Path dest = host.dest();

        BackupResult result = precopyHeldIn(found.cluster(), dest, "precopy",
                () -> Files.setPosixFilePermissions(found.file(), java.util.Set.of()));

        assertFailedAndRunning(result, found, dest, "pgob_unreadable", "Permission denied");
        assertThat(found.cluster().postmasterPid()).as("the postmaster, never stopped").isEqualTo(found.pid());
    }

    @Test
    @FaultCase(id = "precopy.dest-full", area = AREA, phase = "precopy",
            injected = "the destination (a 192 MB ext4 loop mount) filled up by another writer while the runner is "
                    + "held as the pre-copy begins",
            mustHold = {"the pre-copy fails before the stop: COPY_FAILED, exit 1, the message says the destination "
                    + "is full", "the postmaster keeps its pid and its rows", "no complete backup directory"})
    void aFullDestinationFailsThePrecopyBeforeTheStop() throws Exception {
        assumeTrue(host.user.testsRunAsRoot(), "a loop mount needs root");
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        String rows = cluster.query(ROWS);
        long pid = cluster.postmasterPid();
        Path dir = TestUser.newWorkDir("loopfs");
        Path image = dir.resolve("fs.img");
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        ProcessRunner.run(List.of("truncate", "-s", "192M", image.toString()), Duration.ofMinutes(1)).orThrow();
        ProcessRunner.run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()), Duration.ofMinutes(1))
                .orThrow();
        LoopMount.mount(image, mount);
        try {
            host.user.chownToUser(mount);
            BackupResult result = precopyHeldIn(cluster, mount, "precopy", () -> {
                // dd ends with "No space left on device": that is the point.
                ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler"), "bs=1M"),
                        Duration.ofMinutes(2));
                ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler-small"), "bs=1k"),
                        Duration.ofMinutes(2));
            });

            assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.COPY_FAILED);
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.errorMessage()).contains("is full", "no space left on device");
            assertThat(result.databaseRunning()).isTrue();
            assertThat(cluster.postmasterPid()).as("the postmaster, never stopped").isEqualTo(pid);
            assertThat(cluster.query(ROWS)).isEqualTo(rows);
            assertThat(RealHostSupport.entries(mount)).noneMatch(name -> name.matches("\\d{8}T\\d{6}Z.*"));
        } finally {
            LoopMount.unmount(mount);
        }
    }
}
