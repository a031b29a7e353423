package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.testing.LoopMount;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host gets in the way of the copy: the destination fills up, a source file becomes unreadable or
 * vanishes, the configuration is broken so that PostgreSQL cannot start again. The cluster has a
 * tablespace with a foreign file at its top, which is copied after PGDATA: the faults land on it while
 * the copy of PGDATA is frozen.
 */
class CopyFaultsTest {
    private static final String AREA = "Faults during backup and restore";
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static String rows;
    private static Path foreign;
    private static Path conf;
    private static String confText;

    @BeforeAll
    static void start() throws Exception {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1).withTablespaces("ts1"));
        rows = cluster.query(BackupFaultsTest.ROWS);
        foreign = cluster.tablespaceLocation("ts1").resolve("foreign-file");
        conf = cluster.pgdata().resolve("postgresql.conf");
        confText = Files.readString(conf);
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void prepare() throws Exception {
        Files.writeString(foreign, "a file PostgreSQL does not know about\n");
        host.user.chownToUser(foreign);
        Files.setPosixFilePermissions(foreign, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (!cluster.isRunning()) {
            cluster.start();
        }
    }

    @AfterEach
    void repair() throws Exception {
        Files.writeString(conf, confText);
        if (!cluster.isRunning()) {
            cluster.start();
        }
        assertThat(cluster.query(BackupFaultsTest.ROWS)).as("the source data").isEqualTo(rows);
    }

    private static void assertNoCompleteBackup(Path dest) {
        assertThat(RealHostSupport.entries(dest)).as("entries of %s", dest)
                .noneMatch(name -> name.matches("\\d{8}T\\d{6}Z.*"));
    }

    @Test
    @FaultCase(id = "backup.dest-full", area = AREA, phase = "copy",
            injected = "the destination (a 192 MB ext4 loop mount) filled up by another writer while the copy is frozen",
            mustHold = {"COPY_FAILED, exit 1, databaseRunning true, the message says the destination is full",
                    "the run's state and log still tell how it ended", "PostgreSQL runs with the same rows",
                    "no complete backup directory"})
    void destinationFullMidCopy() throws Exception {
        assumeTrue(host.user.testsRunAsRoot(), "a loop mount needs root");
        Path dir = TestUser.newWorkDir("loopfs");
        Path image = dir.resolve("fs.img");
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        run("truncate", "-s", "192M", image.toString());
        run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
        LoopMount.mount(image, mount);
        try {
            host.user.chownToUser(mount);
            CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                    () -> RealHostSupport.backup(host.request(cluster, mount).build()));
            long tar = RunnerProbe.freezeCopy(mount, Duration.ofSeconds(90));
            long free;
            try {
                ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler"), "bs=1M"),
                        Duration.ofMinutes(2));
                ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler-small"), "bs=1k"),
                        Duration.ofMinutes(2));
                free = Long.parseLong(ProcessRunner.run(List.of("df", "--output=avail", "-B1", mount.toString()),
                        Duration.ofSeconds(10)).stdout().lines().skip(1).findFirst().orElseThrow().strip());
            } finally {
                RunnerProbe.thaw(tar);
            }
            BackupResult result = job.get(120, TimeUnit.SECONDS);
            assertThat(free).as("free bytes on the destination once filled").isLessThan(64 * 1024);

            assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.COPY_FAILED);
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.databaseRunning()).isTrue();
            assertThat(result.errorMessage()).contains("is full", "no space left on device", "Free space there");
            assertThat(cluster.isRunning()).isTrue();
            assertNoCompleteBackup(mount);
        } finally {
            LoopMount.unmount(mount);
        }
    }

    @Test
    @FaultCase(id = "backup.source-unreadable-before", area = AREA, phase = "inspect",
            injected = "a file in the tablespace made mode 000 before the backup",
            mustHold = {"refused before the stop: OWNER_MISMATCH, exit 2, naming the file",
                    "the postmaster keeps its pid", "the destination stays empty"})
    void unreadableSourceFileIsRefusedBeforeTheStop() throws Exception {
        Files.setPosixFilePermissions(foreign, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        long pid = cluster.postmasterPid();
        Path dest = host.dest();

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).build());

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.OWNER_MISMATCH);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errorMessage()).contains("cannot read", foreign.getFileName().toString());
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
        assertThat(RealHostSupport.entries(dest)).isEmpty();
    }

    @Test
    @FaultCase(id = "backup.source-unreadable-mid-copy", area = AREA, phase = "copy",
            injected = "a file in the tablespace made mode 000 after the pre-flight, while the copy of PGDATA (before the"
                    + " tablespace's) is frozen",
            mustHold = {"COPY_FAILED, exit 1, databaseRunning true, the message names the copy that failed",
                    "PostgreSQL runs with the same rows", "no complete backup directory",
                    "the runner's scratch directory removed"})
    void sourceFileUnreadableMidCopy() throws Exception {
        Path dest = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        try {
            Files.setPosixFilePermissions(foreign, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        } finally {
            RunnerProbe.thaw(tar);
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.COPY_FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(result.errorMessage()).contains("copying", "failed");
        assertNoCompleteBackup(dest);
        assertThat(RealHostSupport.scratchOf(dest, result.backupId())).as("the runner's scratch directory")
                .doesNotExist();
    }

    @Test
    @FaultCase(id = "backup.source-vanishes-mid-copy", area = AREA, phase = "copy",
            injected = "a foreign file in PGDATA deleted after the copy listed it, while the copy is frozen (tar"
                    + " has read it or not yet)",
            mustHold = {"COPY_FAILED (not read yet) or VERIFY_FAILED (read: the copy has a file the source lacks),"
                    + " exit 1, databaseRunning true", "PostgreSQL runs with the same rows",
                    "no complete backup directory"})
    void sourceFileVanishesMidCopy() throws Exception {
        Path vanishing = cluster.pgdata().resolve("vanishing-file");
        // Large enough that the copy lasts long enough to be caught, also on a busy machine: the cluster
        // alone is copied in a few tens of milliseconds.
        Files.writeString(vanishing, "x".repeat(64 << 20));
        host.user.chownToUser(vanishing);
        Path dest = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        try {
            Files.delete(vanishing);
        } finally {
            RunnerProbe.thaw(tar);
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).as(result.errorMessage()).isIn(ErrorCode.COPY_FAILED, ErrorCode.VERIFY_FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertNoCompleteBackup(dest);
    }

    @Test
    @FaultCase(id = "backup.aborted-mid-copy", area = AREA, phase = "copy",
            injected = "the job's abort() (what the CLI's Ctrl-C and a Jenkins abort call) while the copy is frozen",
            mustHold = {"ABORTED, databaseRunning true, the message says the copy was aborted",
                    "PostgreSQL runs with the same rows", "no complete backup directory"})
    void abortMidCopy() throws Exception {
        // The copy stays frozen: the runner abandons it and starts PostgreSQL beside it.
        assertAbortedWhenMidCopy((job, thread) -> job.abort());
    }

    @Test
    @FaultCase(id = "backup.interrupted-mid-copy", area = AREA, phase = "copy",
            injected = "the thread running the job interrupted while the copy is frozen (its poll waits on the host)",
            mustHold = {"ABORTED, not a reconnect: databaseRunning true, the message says the copy was aborted",
                    "PostgreSQL runs with the same rows", "no complete backup directory"})
    void interruptMidCopy() throws Exception {
        assertAbortedWhenMidCopy((job, thread) -> thread.interrupt());
    }

    /**
     * Runs a backup in a thread of its own, freezes its copy, does {@code what} to the job or the
     * thread, and checks that the job ended ABORTED, cleanly, while the copy was still frozen.
     */
    private static void assertAbortedWhenMidCopy(BiConsumer<BackupJob, Thread> what) throws Exception {
        Path dest = host.dest();
        BackupJob job = new BackupJob(host.request(cluster, dest).build(), ProgressListener.NONE);
        CompletableFuture<BackupResult> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> ended.complete(job.run()), "backup-to-abort");
        thread.start();
        long copy = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        try {
            what.accept(job, thread);
            BackupResult result = ended.get(120, TimeUnit.SECONDS);

            assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.ABORTED);
            assertThat(result.databaseRunning()).isTrue();
            assertThat(result.errorMessage()).contains("aborted", "copy");
            assertThat(result.warnings()).noneMatch(w -> w.contains("lost the connection"));
            assertThat(cluster.isRunning()).isTrue();
            assertNoCompleteBackup(dest);
        } finally {
            RunnerProbe.thaw(copy);
        }
    }

    @Test
    @FaultCase(id = "backup.hashers-killed-mid-copy", area = AREA, phase = "copy",
            injected = "both workers that hash the copy as it is written killed (SIGKILL) while the copy is frozen",
            mustHold = {"the backup completes, PostgreSQL runs with the same rows",
                    "every file still gets its copy's SHA-256: verify reads every byte and finds nothing",
                    "fewer files hashed as the copy wrote them than the backup holds"})
    void hashersKilledMidCopy() throws Exception {
        Path dest = host.dest();
        CompletableFuture<BackupResult> ended = CompletableFuture.supplyAsync(
                () -> new BackupJob(host.request(cluster, dest).build(), ProgressListener.NONE).run());
        long copy = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        try {
            // A worker waiting for the next chunk waits on copy-sums/ready with timeout(1) and tail: the
            // parent of such a timeout.
            Set<Long> workers = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (workers.size() < 2 && System.nanoTime() < deadline) {
                long runner = RunnerProbe.runnerPid(dest).orElseThrow();
                ProcessHandle.of(runner).stream().flatMap(ProcessHandle::descendants)
                        .filter(p -> Procs.cmdline(p.pid()).startsWith("timeout 1 tail ")
                                && Procs.cmdline(p.pid()).endsWith("/copy-sums/ready"))
                        .forEach(p -> p.parent().ifPresent(worker -> workers.add(worker.pid())));
                Thread.sleep(10);
            }
            assertThat(workers).as("the two hashing workers").hasSize(2);
            workers.forEach(pid -> Procs.signal(pid, "KILL"));
        } finally {
            RunnerProbe.thaw(copy);
        }
        BackupResult result = ended.get(180, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query(BackupFaultsTest.ROWS)).isEqualTo(rows);
        assertThat(host.verify(cluster, Path.of(result.backupPath())).problems()).isEmpty();
        Matcher hashed = Pattern.compile("\\((\\d+) of the files hashed as the copy wrote them")
                .matcher(Files.readString(Path.of(result.logPath())));
        if (hashed.find()) {
            assertThat(Long.parseLong(hashed.group(1))).isLessThan(result.files());
        }
    }

    @Test
    @FaultCase(id = "backup.config-broken-before", area = AREA, phase = "inspect",
            injected = "an invalid setting appended to postgresql.conf of the running cluster (not reloaded)",
            mustHold = {"refused before the stop: CONFIG_INVALID, exit 2, quoting PostgreSQL's complaint",
                    "the postmaster keeps its pid", "the destination stays empty"})
    void brokenConfigurationIsRefusedBeforeTheStop() throws Exception {
        Files.writeString(conf, confText + "\nshared_buffers = 'not a size'\n");
        long pid = cluster.postmasterPid();
        Path dest = host.dest();

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).build());

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errorMessage()).contains("shared_buffers", "would not start again");
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
        assertThat(RealHostSupport.entries(dest)).isEmpty();
    }

    @Test
    @FaultCase(id = "backup.will-not-start", area = AREA, phase = "start",
            injected = "an invalid setting appended to postgresql.conf while PostgreSQL is stopped for the copy (the"
                    + " copy then fails its verification or copies the broken file; either way the start fails)",
            mustHold = {"DATABASE_DOWN, exit 3, databaseRunning false, the message says a human is needed now",
                    "no complete backup directory",
                    "once the setting is removed the cluster starts with the same rows"})
    void postgresqlThatWillNotStartAfterTheBackup() throws Exception {
        Path dest = host.dest();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).startTimeout(Duration.ofSeconds(10)).build()));
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(90));
        try {
            Files.writeString(conf, confText + "\nshared_buffers = 'not a size'\n");
        } finally {
            RunnerProbe.thaw(tar);
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.DATABASE_DOWN);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.databaseRunning()).isFalse();
        assertThat(result.errorMessage()).contains("POSTGRESQL IS DOWN", "a human is needed now");
        assertThat(cluster.isRunning()).isFalse();
        assertNoCompleteBackup(dest);
    }

    private static void run(String... command) {
        ProcessRunner.run(List.of(command), Duration.ofMinutes(2)).orThrow();
    }
}
