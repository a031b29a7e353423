package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --precopy: a copy while PostgreSQL runs, then after the stop only what changed since. The backup
 * must be the cluster as it was at the stop, however busy it was during the pre-copy.
 */
class PrecopyTest {
    private static final String STATE = "SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT count(*) FROM"
            + " pgbench_history), (SELECT sum(delta) FROM pgbench_history), (SELECT sum(tbalance) FROM pgbench_tellers)";
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
    void precopyUnderPgbenchWriteLoadRestoresToTheDataAtTheStop() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(2));
        Process pgbench = cluster.startPgbench(2, Duration.ofMinutes(5));
        BackupResult result;
        try {
            result = RealHostSupport.backup(host.request(cluster, host.dest()).precopy(true)
                    .activeSessions(ActiveSessionPolicy.PROCEED).build());
            // The fast shutdown disconnected pgbench, which does not reconnect: since the restart nothing wrote,
            // so the live cluster holds what it held at the stop.
            assertThat(pgbench.waitFor(60, TimeUnit.SECONDS)).as("pgbench ended with the shutdown").isTrue();
        } finally {
            Procs.killTree(pgbench.toHandle());
        }

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.copyMethod()).isEqualTo("precopy");
        String atTheStop = cluster.query(STATE);
        assertThat(cluster.query("SELECT count(*) FROM pgbench_history")).as("pgbench wrote").isNotEqualTo("0");
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("method").path("name").asText()).isEqualTo("precopy");
        assertThat(manifest.path("phases").findValuesAsText("name"))
                .containsSubsequence("inspect", "precopy", "checkpoint", "stop", "copy", "verify", "start");
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(result.pgChecksums()).isEqualTo("passed");
        // Most files were hashed by the pre-copy, the rest after the stop: whichever, each SHA-256 is its file's.
        RealHostSupport.assertEverySha256IsItsFiles(manifest, Path.of(result.backupPath()));
        // Only what changed after the pre-copy began is left to hash after the start: far from all of it.
        java.util.regex.Matcher pass = java.util.regex.Pattern.compile(
                "checksum pass: SHA-256 of (\\d+) files, \\d+ bytes in \\d+ ms \\((\\d+) of the files hashed as the copy")
                .matcher(Files.readString(Path.of(result.backupPath(), "backup.log")));
        assertThat(pass.find()).as("the checksum pass's line in backup.log").isTrue();
        assertThat(Long.parseLong(pass.group(2))).as("of %s files", pass.group(1))
                .isGreaterThan(Long.parseLong(pass.group(1)) * 3 / 4);

        PgCluster copy = host.startCopyOf(Path.of(result.backupPath(), "data"));
        assertThat(copy.query(STATE)).isEqualTo(atTheStop);
        assertThat(copy.query("SELECT count(*) FROM pgbench_accounts")).isEqualTo("200000");
    }

    /**
     * A file rewritten after the pre-copy with the same size and the very same mtime as its pre-copied
     * version (what a same-size rewrite within one timestamp tick looks like to a size-and-mtime check, the
     * way rsync's quick check misses it) is copied again, because its mtime is not older than the
     * pre-copy's start. A file removed after the pre-copy is not in the backup.
     */
    @Test
    void aSameSizeRewriteWithTheSameMtimeAndARemovedFileAreCaught() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 3 AS n");
        Path marker = cluster.pgdata().resolve("pgob_marker");
        Path gone = cluster.pgdata().resolve("pgob_gone");
        Files.writeString(marker, "A".repeat(4096), StandardCharsets.US_ASCII);
        Files.writeString(gone, "removed after the pre-copy", StandardCharsets.US_ASCII);
        host.user.chownToUser(marker);
        host.user.chownToUser(gone);
        // An mtime ahead of the clock stands for a write in the last instants before or during the pre-copy.
        ProcessRunner.run(List.of("touch", "-m", "-d", "@" + (System.currentTimeMillis() / 1000 + 600) + ".123456789",
                marker.toString()), Duration.ofSeconds(10)).orThrow();
        Path dest = host.dest();
        // A frozen checkpointer holds the CHECKPOINT the runner issues after the pre-copy and before the stop.
        long checkpointer = cluster.serverProcess("checkpointer");
        Procs.signal(checkpointer, "STOP");
        BackupResult result;
        try {
            CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(() -> RealHostSupport.backup(
                    host.request(cluster, dest).precopy(true).build()));
            awaitEvent(dest, " phase checkpoint", Duration.ofSeconds(120));
            Path precopied = partialData(dest).resolve("pgob_marker");
            assertThat(Files.readString(precopied)).startsWith("A");
            String mtime = mtime(precopied);
            assertThat(mtime(marker)).isEqualTo(mtime);
            Files.writeString(marker, "B".repeat(4096), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            ProcessRunner.run(List.of("touch", "-m", "-d", "@" + mtime.substring(0, mtime.indexOf('.') + 10),
                    marker.toString()), Duration.ofSeconds(10)).orThrow();
            assertThat(mtime(marker)).isEqualTo(mtime);
            assertThat(Files.size(marker)).isEqualTo(Files.size(precopied));
            Files.delete(gone);
            Procs.signal(checkpointer, "CONT");
            result = job.get(180, TimeUnit.SECONDS);
        } finally {
            Procs.signal(checkpointer, "CONT");
        }

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        Path backup = Path.of(result.backupPath(), "data");
        assertThat(Files.readString(backup.resolve("pgob_marker")).equals("B".repeat(4096)))
                .as("the backup holds the rewrite, not the pre-copied version").isTrue();
        assertThat(backup.resolve("pgob_gone")).doesNotExist();
        // The pre-copy hashed the "A" version as it wrote it; the copy after the stop replaced it.
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        RealHostSupport.assertEverySha256IsItsFiles(manifest, Path.of(result.backupPath()));
        assertThat(host.startCopyOf(backup).query("SELECT n FROM t")).isEqualTo("3");
    }

    /**
     * A pre-copy beside tablespaces and an external WAL directory, linked to the previous backup: the
     * pre-copy's SHA-256 are kept under each area's name, and each is its file's.
     */
    @Test
    void aPrecopyGenerationWithTablespacesRecordsEachFilesOwnSha256() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0)
                .withTablespaces("ts_cold").withSeparateWal(true));
        cluster.query("CREATE TABLE cold TABLESPACE ts_cold AS SELECT g AS id, g * 3 AS v FROM generate_series(1, 50000) g");
        cluster.query("CREATE TABLE warm TABLESPACE ts_cold AS SELECT g AS id FROM generate_series(1, 1000) g");
        Path dest = host.dest();
        BackupResult first = RealHostSupport.backup(host.request(cluster, dest).build());
        assertThat(first.ok()).as(String.valueOf(first.errorMessage())).isTrue();
        cluster.query("UPDATE warm SET id = id + 1");
        cluster.query("CREATE TABLE fresh AS SELECT 7 AS n");

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).precopy(true).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.copyMethod()).isEqualTo("precopy");
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("method").path("linkedFrom").asText()).isEqualTo(first.backupId());
        assertThat(manifest.path("method").path("linkedFiles").asLong()).isPositive();
        // Files of PGDATA have no "area"; those of the other areas name theirs.
        assertThat(manifest.path("files").findValuesAsText("area")).contains("wal")
                .anyMatch(area -> area.startsWith("tablespaces/"));
        RealHostSupport.assertEverySha256IsItsFiles(manifest, Path.of(result.backupPath()));
        VerifyReport report = host.verify(cluster, Path.of(result.backupPath()));
        assertThat(report.valid()).as(report.summary()).isTrue();
    }

    static void awaitEvent(Path dest, String event, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> runs = Files.list(dest)) {
                for (Path run : runs.filter(p -> p.getFileName().toString().endsWith(".run")).toList()) {
                    Path state = run.resolve("state");
                    if (Files.exists(state) && Files.readString(state).contains(event)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + event + "' event in " + dest + " within " + timeout);
    }

    private static Path partialData(Path dest) throws Exception {
        try (Stream<Path> entries = Files.list(dest)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".partial")).findFirst().orElseThrow()
                    .resolve("data");
        }
    }

    /** The mtime to the nanosecond, as seconds.nanoseconds. */
    private static String mtime(Path file) {
        return ProcessRunner.run(List.of("find", file.toString(), "-maxdepth", "0", "-printf", "%T@"),
                Duration.ofSeconds(10)).orThrow().stdout().trim();
    }
}
