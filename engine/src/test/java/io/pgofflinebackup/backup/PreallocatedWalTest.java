package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL preallocates WAL segments ahead of the one it writes, filled with zeros. pg_waldump (run
 * by the runner for the end of the shutdown checkpoint, and by pg_verifybackup) takes the segment size
 * from whichever WAL file readdir lists first unless it is told the file: a zero-filled one there made
 * sound backups fail with RECORD_FAILED, depending on the directory's hash order (found by
 * scripts/bench). Several such segments make that order very likely to list one of them first.
 */
class PreallocatedWalTest {
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
    void zeroFilledSegmentsAheadOfTheWalDoNotFailTheBackupOrItsChecks() throws Exception {
        PgCluster cluster = host.cluster();
        long segmentSize = Long.parseLong(cluster.query(
                "SELECT setting::bigint * (CASE unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576 END)"
                        + " FROM pg_settings WHERE name = 'wal_segment_size'"));
        String current = cluster.query("SELECT pg_walfile_name(pg_current_wal_lsn())");
        long perLogId = 0x100000000L / segmentSize;
        long segno = Long.parseLong(current.substring(8, 16), 16) * perLogId + Long.parseLong(current.substring(16), 16);
        Path walDir = cluster.pgdata().resolve("pg_wal");
        // Far enough ahead that the server does not reach them during the test; sparse, all zeros.
        for (long ahead = 50; ahead < 58; ahead++) {
            long next = segno + ahead;
            Path segment = walDir.resolve(current.substring(0, 8)
                    + String.format("%08X%08X", next / perLogId, next % perLogId));
            try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
                file.setLength(segmentSize);
            }
            Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-------"));
            host.user.chownToUser(segment);
        }

        BackupResult result = new BackupJob(host.request(cluster, host.dest()).build(),
                new RealHostSupport.RecordingListener()).run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        Path backup = Path.of(result.backupPath());
        JsonNode manifest = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(Files.readString(backup.resolve("backup_manifest"))).contains("\"WAL-Ranges\"");
        assertThat(cluster.isRunning()).isTrue();
    }
}
