package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void aDamagedPageIsFoundByPgChecksumsAndRecorded() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        Path relation = cluster.pgdata().resolve(cluster.query("SELECT pg_relation_filepath('pgbench_accounts')"));
        cluster.stopFast();
        try (RandomAccessFile file = new RandomAccessFile(relation.toFile(), "rw")) {
            // The middle of the second page: its checksum no longer matches.
            file.seek(8192 + 4000);
            file.write("damaged by the test".getBytes(StandardCharsets.US_ASCII));
        }

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.pgChecksums()).isEqualTo("failed");
        assertThat(result.warnings()).anyMatch(w -> w.contains("bad checksums"));
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("failed");
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
}
