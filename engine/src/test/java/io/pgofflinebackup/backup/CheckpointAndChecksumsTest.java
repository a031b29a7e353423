package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.TestUser;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CHECKPOINT before the stop is an optimisation that may fail without failing the backup; the
 * data page checksums of the copy are checked with pg_checksums and the result is recorded.
 */
class CheckpointAndChecksumsTest {
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
    void aCheckpointThatFailsIsAWarningAndTheBackupGoesOn() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        // A role that may connect and list sessions but not run CHECKPOINT (neither superuser nor pg_checkpoint).
        cluster.query("CREATE ROLE app LOGIN; CREATE TABLE t AS SELECT 5 AS n");

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).dbUser("app").build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.warnings()).anyMatch(w -> w.contains("CHECKPOINT before the stop failed")
                && (w.contains("permission denied") || w.contains("must be superuser")));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(Files.readString(Path.of(result.logPath()))).contains("CHECKPOINT before the stop failed");
        PgCluster copy = host.startCopyOf(Path.of(result.backupPath(), "data"));
        assertThat(copy.query("SELECT n FROM t")).isEqualTo("5");
    }

    /**
     * pg_checksums runs as two processes, each over a directory of hard links to half of the copy's
     * files (pg_checksums_split): a damaged page must be found in whichever half its file went to,
     * tablespaces included, the counts must be those of one pg_checksums over the whole copy, and
     * the hard links must be gone from the backup.
     */
    @Test
    void damagedPagesAreFoundByPgChecksumsAndRecorded() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1).withTablespaces("ts1"));
        cluster.query("CREATE TABLE in_ts TABLESPACE ts1 AS SELECT i, repeat('x', 500) AS pad"
                + " FROM generate_series(1, 20000) AS i; CHECKPOINT");
        Path inTablespace = cluster.pgdata().resolve(cluster.query("SELECT pg_relation_filepath('in_ts')"));
        RealHostSupport.damagePage(cluster, 1);
        RealHostSupport.damageBlock(inTablespace, 3);

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.pgChecksums()).isEqualTo("failed");
        assertThat(result.warnings()).anyMatch(w -> w.contains("bad checksums") && w.contains("(2 blocks"));
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("failed");
        String log = Files.readString(Path.of(result.logPath()));
        assertThat(log).contains("two pg_checksums --check at once")
                .containsPattern("checksum verification failed in file \"base/\\d+/\\d+\", block 1:")
                .containsPattern("checksum verification failed in file \"pg_tblspc/\\d+/PG_[^/]+/\\d+/\\d+\", block 3:");
        assertThat(RealHostSupport.entries(Path.of(result.backupPath()))).noneMatch(n -> n.startsWith(".pg_checksums"));
        // The same counts as one pg_checksums over the whole copy (through the runner's own view of it).
        Matcher counted = Pattern.compile("Files scanned: +(\\d+)\nBlocks scanned: +(\\d+)\nBad checksums: +2\n")
                .matcher(log);
        assertThat(counted.find()).as(log).isTrue();
        Path lib = TestUser.newWorkDir("lib").resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());
        host.user.chownToUser(lib.getParent());
        host.user.chownToUser(lib);
        ProcessResult single = host.user.runAs(List.of("sh", "-c", ". \"$0\" && pg_checksums_safely \"$1\" \"$2\"",
                lib.toString(), cluster.binDir().toString(), result.backupPath()), Duration.ofMinutes(2));
        assertThat(single.stdout()).contains("Files scanned:   " + counted.group(1) + "\n")
                .contains("Blocks scanned:  " + counted.group(2) + "\n").contains("Bad checksums:  2\n");
        // Where it does not split (more files than PCS_MAX_FILES), one pg_checksums checks the same,
        // and the split's scratch directory goes.
        Path scratch = TestUser.newWorkDir("scratch");
        host.user.chownToUser(scratch);
        ProcessResult unsplit = host.user.runAs(List.of("sh", "-c", ". \"$0\" && PGOB_SCRATCH=$3 && PCS_MAX_FILES=0"
                + " && pg_checksums_split \"$1\" \"$2\"", lib.toString(), cluster.binDir().toString(),
                result.backupPath(), scratch.toString()), Duration.ofMinutes(2));
        assertThat(unsplit.stdout()).doesNotContain("two pg_checksums")
                .contains("Files scanned:   " + counted.group(1) + "\n")
                .contains("Blocks scanned:  " + counted.group(2) + "\n").contains("Bad checksums:  2\n");
        assertThat(RealHostSupport.entries(scratch)).isEmpty();
    }

    @Test
    void aClusterWithoutDataChecksumsSaysSo() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withDataChecksums(false).withPgbenchScale(0));

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.pgChecksums()).isEqualTo("disabled");
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("disabled");
    }

    /**
     * The shutdown checkpoint record ends exactly where a WAL page ends, so the record after it would
     * begin a new page. pg_waldump then stops with "invalid magic number" (a page never written) or
     * "unexpected pageaddr" (an old page of a recycled segment) instead of "invalid record length",
     * and the end of the WAL range has to come from that message. Found by the benchmark (8 GB,
     * --snapshot reflink): the backup failed with RECORD_FAILED after a sound copy.
     */
    @Test
    void aShutdownCheckpointThatEndsAWalPageIsFoundAndTheBackupVerifies() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        long checkpoint = -1;
        for (int attempt = 0; attempt < 5 && checkpoint % WAL_PAGE != CHECKPOINT_START_IN_PAGE; attempt++) {
            if (attempt > 0) {
                cluster.start();
            }
            placeInsertPosition(cluster);
            cluster.stopFast();
            checkpoint = lsn(cluster.controlField("Latest checkpoint location"));
        }
        assertThat(checkpoint % WAL_PAGE).as("the shutdown checkpoint starts 120 bytes before a page ends")
                .isEqualTo(CHECKPOINT_START_IN_PAGE);

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        JsonNode range = new ObjectMapper().readTree(Path.of(result.backupPath(), "backup_manifest").toFile())
                .path("WAL-Ranges").get(0);
        long pageEnd = checkpoint - CHECKPOINT_START_IN_PAGE + WAL_PAGE;
        assertThat(lsn(range.path("End-LSN").asText())).isEqualTo(pageEnd);
    }

    private static final long WAL_PAGE = 8192;
    /** A shutdown checkpoint record is 114 bytes (PostgreSQL 15), 120 with its alignment. */
    private static final long CHECKPOINT_START_IN_PAGE = WAL_PAGE - 120;

    /**
     * Writes logical messages (WAL records of a chosen size, nothing else) until the next record
     * would start {@link #CHECKPOINT_START_IN_PAGE} bytes into a page.
     */
    private static void placeInsertPosition(PgCluster cluster) {
        // A message of n bytes makes a record of MAXALIGN(c + n) bytes for a constant c; this gives
        // the upper bound of c that makes the sizes come out exact (records that stay in one page).
        long overhead = -1;
        for (int step = 0; step < 20; step++) {
            long at = insertPosition(cluster);
            long inPage = at % WAL_PAGE;
            if (overhead < 0) {
                if (inPage + 1024 < WAL_PAGE) {
                    emit(cluster, 300);
                    overhead = insertPosition(cluster) - at - 300;
                } else {
                    emit(cluster, (int) WAL_PAGE);
                }
                continue;
            }
            long gap = CHECKPOINT_START_IN_PAGE - inPage;
            if (gap == 0) {
                return;
            }
            if (gap - overhead < 300) {
                // Too close to place a record of a known size: on to a later page.
                emit(cluster, (int) WAL_PAGE);
                continue;
            }
            emit(cluster, (int) (gap - overhead));
        }
        throw new AssertionError("could not place the WAL insert position; it is at " + insertPosition(cluster));
    }

    private static void emit(PgCluster cluster, int bytes) {
        cluster.query("SELECT pg_logical_emit_message(false, 'p', repeat('x', " + bytes + "))");
    }

    private static long insertPosition(PgCluster cluster) {
        return lsn(cluster.query("SELECT pg_current_wal_insert_lsn()"));
    }

    private static long lsn(String text) {
        String[] parts = text.strip().split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }
}
