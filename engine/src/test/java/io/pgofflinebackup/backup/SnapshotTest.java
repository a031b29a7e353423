package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.XfsMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --snapshot: on a file system with reflinks (a loop-mounted XFS here) PostgreSQL is down only for
 * stop, clone and start; the copy reads the still clone while PostgreSQL serves, and the clone is
 * gone afterwards, whether the copy succeeded or not. The destination is on another file system.
 */
class SnapshotTest {
    private static final String STATE = "SELECT count(*), sum(abalance), (SELECT count(*) FROM notes) FROM pgbench_accounts";
    private static RealHostSupport host;
    private static XfsMount xfs;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        xfs = XfsMount.create();
    }

    @AfterAll
    static void stop() {
        try {
            host.close();
        } finally {
            xfs.close();
        }
    }

    private static PgCluster clusterOnXfs(PgCluster.Options options) {
        PgCluster cluster = host.cluster(options.withParentDirectory(xfs.path()));
        cluster.query("CREATE TABLE notes (id int PRIMARY KEY, body text);"
                + " INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
        return cluster;
    }

    @Test
    void aSnapshotBackupRestoresToTheDataAtTheStopAndLeavesNoStagingClone() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withTablespaces("fast"));
        cluster.query("CREATE TABLE in_ts TABLESPACE fast AS SELECT g FROM generate_series(1, 1000) g");
        String atTheStop = cluster.query(STATE);
        Path dest = host.dest();
        long pidBefore = cluster.postmasterPid();

        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        // Hold the copy that follows the restart, and change the live cluster meanwhile: the copy reads the
        // clone, so none of this may reach the backup.
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(120));
        assertThat(cluster.isRunning()).as("PostgreSQL serves during the copy").isTrue();
        assertThat(cluster.postmasterPid()).isNotEqualTo(pidBefore);
        assertThat(stagingClones(cluster)).isNotEmpty();
        cluster.query("INSERT INTO notes SELECT g, 'after the restart' FROM generate_series(5001, 9000) g;"
                + " UPDATE pgbench_accounts SET abalance = abalance + 7; INSERT INTO in_ts SELECT 0; CHECKPOINT");
        RunnerProbe.thaw(tar);
        BackupResult result = job.get(180, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.copyMethod()).isEqualTo("snapshot");
        assertThat(stagingClones(cluster)).isEmpty();
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("method").path("name").asText()).isEqualTo("snapshot");
        assertThat(manifest.path("method").path("snapshot").asText()).isEqualTo("reflink");
        assertThat(manifest.path("phases").findValuesAsText("name"))
                .containsSubsequence("checkpoint", "stop", "clone", "start", "copy", "verify", "checksums");
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("passed");
        // The SHA-256 were taken from the copy as it was written: verify, reading every byte of it, agrees.
        assertThat(host.verify(cluster, Path.of(result.backupPath())).problems()).isEmpty();
        // The downtime ended at the restart, before the copy that was held for seconds.
        long copyStart = manifest.path("phases").findValues("name").stream().filter(n -> n.asText().equals("copy"))
                .count();
        assertThat(copyStart).isEqualTo(1);
        JsonNode phases = manifest.path("phases");
        long serving = 0;
        long copyEnd = 0;
        for (JsonNode phase : phases) {
            if (phase.path("name").asText().equals("start")) {
                serving = phase.path("endMillis").asLong();
            }
            if (phase.path("name").asText().equals("copy")) {
                copyEnd = phase.path("endMillis").asLong();
            }
        }
        assertThat(serving).isLessThan(copyEnd);
        assertThat(result.downtimeMillis()).isLessThan(copyEnd - manifest.path("phases").get(0).path("startMillis").asLong());

        PgCluster copy = host.startCopyOf(Path.of(result.backupPath(), "data"));
        // startCopyOf copies data/ only; the copy's tablespace link still names the live one, so only
        // PGDATA's own tables are compared here, and the tablespace's file is compared byte for byte.
        assertThat(copy.query(STATE)).isEqualTo(atTheStop);
        assertThat(copy.query("SELECT count(*) FROM notes WHERE body = 'after the restart'")).isEqualTo("0");
        assertThat(Files.list(Path.of(result.backupPath(), "tablespaces")).count()).isEqualTo(1);
    }

    /**
     * The SHA-256 of a snapshot backup are taken from the copy as it is written, except for the files a
     * generation links to the previous backup: those are hashed where they are, so that a previous backup
     * damaged since is caught instead of passed on. verify, which reads every byte of the copy, proves both.
     */
    @Test
    void snapshotGenerationsRecordTheContentTheyHoldAndCatchADamagedPreviousBackup() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withTablespaces("fast"));
        cluster.query("CREATE TABLE in_ts TABLESPACE fast AS SELECT g FROM generate_series(1, 1000) g");
        Path dest = host.dest();

        BackupResult first = RealHostSupport.backup(host.request(cluster, dest).snapshot(SnapshotMode.REFLINK).build());
        assertThat(first.ok()).as(String.valueOf(first.errorMessage())).isTrue();
        cluster.query("INSERT INTO notes SELECT g, 'second' FROM generate_series(3001, 4000) g");
        BackupResult second = RealHostSupport.backup(host.request(cluster, dest).snapshot(SnapshotMode.REFLINK).build());
        assertThat(second.ok()).as(String.valueOf(second.errorMessage())).isTrue();

        Path older = Path.of(first.backupPath());
        Path newer = Path.of(second.backupPath());
        assertThat(Files.readString(Path.of(second.logPath()))).contains("data page checksums of the clone computed alongside the copy")
                .containsPattern("of the files hashed as the copy wrote them");
        JsonNode method = new ObjectMapper().readTree(newer.resolve("manifest.json").toFile()).path("method");
        assertThat(method.path("linkedFrom").asText()).isEqualTo(first.backupId());
        assertThat(method.path("linkedFiles").asLong()).isPositive();
        assertThat(Files.getAttribute(newer.resolve("data/PG_VERSION"), "unix:ino"))
                .isEqualTo(Files.getAttribute(older.resolve("data/PG_VERSION"), "unix:ino"));
        assertThat(host.verify(cluster, older).problems()).isEmpty();
        assertThat(host.verify(cluster, newer).problems()).isEmpty();

        // Bit rot in a file both backups share, its size and time unchanged: the next generation would link
        // to it again, so it must notice that it no longer holds what was recorded.
        Path shared = newer.resolve("data/PG_VERSION");
        FileTime time = Files.getLastModifiedTime(shared);
        byte[] bytes = Files.readAllBytes(shared);
        bytes[0] ^= 1;
        Files.write(shared, bytes);
        Files.setLastModifiedTime(shared, time);
        BackupResult third = RealHostSupport.backup(host.request(cluster, dest).snapshot(SnapshotMode.REFLINK).build());

        assertThat(third.ok()).isFalse();
        assertThat(third.errorCode()).isEqualTo(ErrorCode.VERIFY_FAILED);
        assertThat(third.errorMessage()).contains("PG_VERSION").contains(second.backupId()).contains("--no-link");
        assertThat(cluster.isRunning()).isTrue();
        assertThat(stagingClones(cluster)).isEmpty();
        cluster.close();
    }

    @Test
    void aCopyThatFailsAfterTheRestartLeavesNoStagingCloneAndNoCompleteBackup() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withPgbenchScale(1));
        Path dest = host.dest();

        CompletableFuture<BackupResult> job = reflinkBackupInBackground(cluster, dest);
        long tar = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(120));
        assertThat(stagingClones(cluster)).isNotEmpty();
        Procs.signal(tar, "KILL");
        BackupResult result = job.get(180, TimeUnit.SECONDS);

        assertFailedLeavingPostgresqlServingAndNoClone(result, ErrorCode.COPY_FAILED, cluster, dest);
    }

    /**
     * What PostgreSQL left is listed while it is stopped; the clone, which stays still, is listed and
     * compared with that once PostgreSQL serves again. A clone that differs (here: a file the test
     * puts into it while its cp is frozen) fails the backup with PostgreSQL serving and no staging
     * clone left.
     */
    @Test
    void aCloneThatDiffersFromWhatPostgresqlLeftFailsTheBackupWithPostgresqlServing() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = host.dest();

        CompletableFuture<BackupResult> job = reflinkBackupInBackground(cluster, dest);
        long clone = RunnerProbe.freezeCopy(dest, pid -> Procs.cmdline(pid).startsWith("cp -a --reflink=always "),
                "the clone's cp", Duration.ofSeconds(120));
        Path staging;
        try (Stream<Path> siblings = Files.list(cluster.pgdata().toRealPath().getParent())) {
            staging = siblings.filter(p -> p.getFileName().toString().startsWith(".pg-offline-backup-staging.")
                    && p.getFileName().toString().endsWith(".data")).findFirst().orElseThrow();
        }
        Files.writeString(staging.resolve("stray"), "not PostgreSQL's");
        RunnerProbe.thaw(clone);
        BackupResult result = job.get(180, TimeUnit.SECONDS);

        assertFailedLeavingPostgresqlServingAndNoClone(result, ErrorCode.VERIFY_FAILED, cluster, dest);
        assertThat(result.errorMessage()).contains("the clone does not hold what PostgreSQL left");
    }

    /**
     * The clone's data page checksums are checked while the copy reads it: a damaged page is found, in
     * PGDATA and in a tablespace, named by its path in the data directory (not in the directory of links
     * pg_checksums was given, gone after the run), and the backup says so. One pg_checksums: two would
     * each need a directory of hard links to half of the clone's files, and a link changes a file's link
     * count and ctime while the copy reads it (tar: "file changed as we read it").
     */
    @Test
    void damagedPagesOfTheCloneAreFoundWhileTheCopyReadsIt() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withPgbenchScale(1).withTablespaces("fast"));
        cluster.query("CREATE TABLE in_ts TABLESPACE fast AS SELECT i, repeat('x', 500) AS pad"
                + " FROM generate_series(1, 20000) AS i; CHECKPOINT");
        Path inTablespace = cluster.pgdata().resolve(cluster.query("SELECT pg_relation_filepath('in_ts')"));
        RealHostSupport.damagePage(cluster, 1);
        RealHostSupport.damageBlock(inTablespace, 3);
        cluster.start();

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest())
                .snapshot(SnapshotMode.REFLINK).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.copyMethod()).isEqualTo("snapshot");
        assertThat(result.pgChecksums()).isEqualTo("failed");
        assertThat(result.warnings()).anyMatch(w -> w.contains("bad checksums") && w.contains("(2 blocks"));
        assertThat(Files.readString(Path.of(result.logPath())))
                .containsPattern("checksum verification failed in file \"base/\\d+/\\d+\", block 1:")
                .containsPattern("checksum verification failed in file \"pg_tblspc/\\d+/PG_[^/]+/\\d+/\\d+\", block 3:");
        assertThat(stagingClones(cluster)).isEmpty();
        assertThat(cluster.isRunning()).isTrue();
    }

    /**
     * A runner killed (with its copy and page check) after the restart, while its pg_checksums reads
     * the clone: the recovery that the client starts removes the staging clone, and PostgreSQL serves.
     */
    @Test
    void aRunnerKilledWhileItsPgChecksumsReadsTheCloneLeavesNoStagingClone() throws Exception {
        // Large enough (about 160 MB) that pg_checksums runs for a while, at the lowest priority.
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withPgbenchScale(10));
        Path dest = host.dest();

        CompletableFuture<BackupResult> job = reflinkBackupInBackground(cluster, dest);
        List<Long> killed = List.of();
        try (Procs.Urgent urgent = Procs.urgent()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (killed.isEmpty() && System.nanoTime() < deadline && !job.isDone()) {
                var runner = RunnerProbe.runnerPid(dest);
                List<Long> tree = runner.isEmpty() ? List.of() : ProcessHandle.of(runner.get()).stream()
                        .flatMap(h -> Stream.concat(Stream.of(h), h.descendants())).map(ProcessHandle::pid).toList();
                if (tree.stream().anyMatch(pid -> Procs.cmdline(pid).contains("pg_checksums --check -D "))) {
                    tree.forEach(pid -> Procs.signal(pid, "KILL"));
                    killed = tree;
                } else {
                    Thread.sleep(2);
                }
            }
        }
        assertThat(killed).as("the runner's tree, killed while its pg_checksums read the clone").isNotEmpty();
        assertThat(stagingClones(cluster)).as("left by the kill, for the recovery").isNotEmpty();
        BackupResult result = job.get(180, TimeUnit.SECONDS);

        assertFailedLeavingPostgresqlServingAndNoClone(result, ErrorCode.RUNNER_DIED, cluster, dest);
    }

    /**
     * A cluster of many files (here 6,000 more, in a directory of PGDATA) is cloned by two cp at once
     * (clone_area) instead of one cp -a, decided before the stop: the backup holds every file, verifies
     * and starts.
     */
    @Test
    void aClusterOfManyFilesIsClonedByTwoCpAtOnceAndTheBackupHoldsThemAll() throws Exception {
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults().withPgbenchScale(0).withTablespaces("fast"));
        cluster.query("CREATE TABLE in_ts TABLESPACE fast AS SELECT g FROM generate_series(1, 1000) g");
        ProcessResult made = host.user.runAs(List.of("sh", "-c", "cd \"$0\" && mkdir many && cd many && for d in 0 1 2 3 4 5;"
                + " do mkdir d$d && (cd d$d && seq 1 1000 | split -l 1 -a 4 -d - f) || exit 1; done",
                cluster.pgdata().toString()), Duration.ofMinutes(2));
        assertThat(made.succeeded()).as(made.stderr()).isTrue();

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest())
                .snapshot(SnapshotMode.REFLINK).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.copyMethod()).isEqualTo("snapshot");
        assertThat(Files.readString(Path.of(result.logPath()))).contains("two cp at once for the cluster's");
        try (Stream<Path> files = Files.walk(Path.of(result.backupPath(), "data", "many"))) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(6000);
        }
        assertThat(Files.readString(Path.of(result.backupPath(), "data", "many", "d5", "f0999"))).isEqualTo("1000\n");
        assertThat(host.verify(cluster, Path.of(result.backupPath())).problems()).isEmpty();
        assertThat(stagingClones(cluster)).isEmpty();
        // The tablespace, an area of its own, is cloned the same way.
        Path inTs = Path.of(cluster.query("SELECT pg_relation_filepath('in_ts')"));
        try (Stream<Path> tablespaces = Files.list(Path.of(result.backupPath(), "tablespaces"))) {
            Path copied = tablespaces.findFirst().orElseThrow().resolve(inTs.subpath(2, inTs.getNameCount()));
            assertThat(Files.size(copied)).isPositive().isEqualTo(Files.size(cluster.pgdata().resolve(inTs)));
        }
        PgCluster copy = host.startCopyOf(Path.of(result.backupPath(), "data"));
        assertThat(copy.query("SELECT count(*) FROM notes")).isEqualTo("2000");
    }

    @Test
    void reflinkIsRefusedBeforeAnyDowntimeWhereTheFileSystemCannotClone() {
        // The build's own work directory is not on the XFS mount (ext4 here, or anything without reflinks).
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        long pid = cluster.postmasterPid();

        BackupResult refused = RealHostSupport.backup(host.request(cluster, host.dest())
                .snapshot(SnapshotMode.REFLINK).build());
        BackupResult auto = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(refused.errorCode()).as(refused.errorMessage()).isEqualTo(ErrorCode.SNAPSHOT_UNSUPPORTED);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errorMessage()).contains("--snapshot reflink");
        assertThat(auto.ok()).as(String.valueOf(auto.errorMessage())).isTrue();
        assertThat(auto.copyMethod()).isEqualTo("copy");
        assertThat(stagingClones(cluster)).isEmpty();
        assertThat(pid).isPositive();
    }

    @Test
    void aFullCopyOntoTheClustersOwnFileSystemSharesNoBlockWithIt() throws Exception {
        // GNU cp 9 would clone within one XFS by default: a backup must be a copy of its own there too.
        PgCluster cluster = clusterOnXfs(PgCluster.Options.defaults());
        Path dest = Files.createDirectory(xfs.path().resolve("backups-beside"));
        host.user.chownToUser(dest);

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).snapshot(SnapshotMode.NONE).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        String relation = cluster.query("SELECT pg_relation_filepath('pgbench_accounts')");
        Path copied = Path.of(result.backupPath(), "data").resolve(relation);
        assertThat(Files.size(copied)).as("a relation with blocks to share").isGreaterThan(1 << 20);
        String extents = ProcessRunner.run(List.of("filefrag", "-v", copied.toString()), Duration.ofSeconds(30))
                .orThrow().stdout();
        assertThat(extents).as("filefrag -v of the copy").contains("eof").doesNotContain("shared");
    }

    /** Staging clones beside PGDATA (and beside the tablespaces, which live in the cluster's directory too). */
    private static CompletableFuture<BackupResult> reflinkBackupInBackground(PgCluster cluster, Path dest) {
        return CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).snapshot(SnapshotMode.REFLINK).build()));
    }

    /**
     * A snapshot backup that failed with {@code code} after the restart: PostgreSQL serves with the
     * rows it had, no staging clone is left beside it, and nothing in {@code dest} claims to be complete.
     */
    private static void assertFailedLeavingPostgresqlServingAndNoClone(BackupResult result, ErrorCode code,
            PgCluster cluster, Path dest) {
        assertThat(result.ok()).isFalse();
        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(code);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query("SELECT count(*) FROM notes")).isEqualTo("2000");
        assertThat(stagingClones(cluster)).isEmpty();
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
    }

    private static List<String> stagingClones(PgCluster cluster) {
        try (Stream<Path> walk = Files.walk(cluster.directory(), 3)) {
            return walk.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".pg-offline-backup-")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
