package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A full backup against a real sshd and a real cluster, proven by starting the copy. */
class BackupEndToEndTest {
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
    void backupOfARunningClusterStartsAsAClusterWithTheSameData() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes (id int PRIMARY KEY, body text); "
                + "INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
        String expected = cluster.query("SELECT count(*), sum(abalance), (SELECT string_agg(body, ',' ORDER BY id)"
                + " FROM notes) FROM pgbench_accounts");
        String systemId = cluster.controlField("Database system identifier");
        long pidBefore = cluster.postmasterPid();
        Path dest = host.dest();

        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupResult result = new BackupJob(host.request(cluster, dest).build(), listener).run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(result.databaseRunning()).isTrue();
        assertThat(listener.phases).containsSubsequence("connect", "inspect", "stop", "copy", "verify", "start",
                "record");

        // PostgreSQL was restarted (a new postmaster) with the options it ran with: same port and socket.
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.postmasterPid()).isNotEqualTo(pidBefore);
        assertThat(cluster.query("SELECT count(*) FROM notes")).isEqualTo("5000");

        // Only the complete backup is left: no partial directory, no runner files.
        Path backup = Path.of(result.backupPath());
        assertThat(RealHostSupport.entries(dest)).containsExactly(result.backupId());
        assertThat(RealHostSupport.entries(backup)).containsExactly("backup.log", "backup_manifest", "data",
                "manifest.json");
        assertThat(backup.resolve("data/postmaster.pid")).doesNotExist();
        assertThat(backup.resolve("data/postmaster.opts")).doesNotExist();
        assertThat(backup.resolve("data/PG_VERSION")).exists();

        JsonNode manifest = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
        assertThat(manifest.path("backupId").asText()).isEqualTo(result.backupId());
        assertThat(manifest.path("postgres").path("systemIdentifier").asText()).isEqualTo(systemId);
        assertThat(manifest.path("postgres").path("clusterStateAtCopy").asText()).isEqualTo("shut down");
        assertThat(manifest.path("postgres").path("pgdata").asText()).isEqualTo(cluster.pgdata().toString());
        assertThat(manifest.path("postgres").path("latestCheckpoint").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(manifest.path("totals").path("files").asLong()).isEqualTo(result.files()).isPositive();
        assertThat(manifest.path("totals").path("bytes").asLong()).isEqualTo(result.bytes()).isPositive();
        assertThat(manifest.path("downtimeMillis").asLong()).isEqualTo(result.downtimeMillis()).isPositive();
        assertThat(manifest.path("verification").path("passed").asBoolean()).isTrue();
        assertThat(manifest.path("phases").findValuesAsText("name"))
                .containsExactly("inspect", "checkpoint", "stop", "copy", "verify", "start", "checksums");
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        // The cluster has data checksums (initdb --data-checksums): pg_checksums read every page of the copy.
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("passed");
        assertThat(result.pgChecksums()).isEqualTo("passed");
        long filesListed = 0;
        long bytesListed = 0;
        for (JsonNode file : manifest.path("files")) {
            if (file.path("type").asText().equals("file")) {
                filesListed++;
                bytesListed += file.path("size").asLong();
                assertThat(Files.size(backup.resolve("data").resolve(file.path("path").asText())))
                        .isEqualTo(file.path("size").asLong());
            }
        }
        // Most were taken while the copy was written (sum_chunks): each is its copy's own.
        RealHostSupport.assertEverySha256IsItsFiles(manifest, backup);
        assertThat(filesListed).isEqualTo(result.files());
        assertThat(bytesListed).isEqualTo(result.bytes());

        String log = Files.readString(backup.resolve("backup.log"));
        assertThat(log).contains("inspecting", "CHECKPOINT done", "stopping PostgreSQL", "verified:", "PostgreSQL serves again",
                "of the files hashed as the copy wrote them", "backup complete");

        // The records come to this machine for archiving (Jenkins), the data does not.
        Path records = io.pgofflinebackup.testing.TestUser.newWorkDir("records");
        java.util.List<Path> fetched = BackupRecords.fetch(host.request(cluster, dest).build().connection(),
                result.backupPath(), records, w -> { });
        assertThat(fetched).extracting(p -> p.getFileName().toString())
                .containsExactly("manifest.json", "backup_manifest", "backup.log");
        assertThat(Files.mismatch(records.resolve("manifest.json"), backup.resolve("manifest.json"))).isEqualTo(-1);

        // A client that asks for the run later (attach, a restarted Jenkins) gets it as it completed,
        // read from its manifest; one that names a run that never was is told so.
        BackupResult attached = new BackupJob(host.request(cluster, dest).build(), listener)
                .reattach(dest.toString(), result.backupId());
        assertThat(attached.ok()).as(String.valueOf(attached.errorMessage())).isTrue();
        assertThat(attached.host()).isEqualTo(result.host());
        assertThat(attached.backupPath()).isEqualTo(result.backupPath());
        assertThat(attached.files()).isEqualTo(result.files());
        assertThat(attached.bytes()).isEqualTo(result.bytes());
        assertThat(attached.downtimeMillis()).isEqualTo(result.downtimeMillis());
        BackupResult none = new BackupJob(host.request(cluster, dest).build(), listener)
                .reattach(dest.toString(), "20200101T000000Z");
        assertThat(none.ok()).isFalse();
        assertThat(none.errorMessage()).isEqualTo("there is no run 20200101T000000Z in " + dest);

        // The real proof: the copy starts as a cluster of its own and answers with the same data.
        PgCluster copy = host.startCopyOf(backup.resolve("data"));
        assertThat(copy.query("SELECT count(*), sum(abalance), (SELECT string_agg(body, ',' ORDER BY id)"
                + " FROM notes) FROM pgbench_accounts")).isEqualTo(expected);
        assertThat(copy.controlField("Database system identifier")).isEqualTo(systemId);
    }

    @Test
    void clusterStartedWithSettingsInItsConfigurationComesBackTheSame() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withStartWithOptions(false)
                .withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 42 AS answer");

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query("SELECT answer FROM t")).isEqualTo("42");
    }

    @Test
    void stoppedClusterIsBackedUpAsFoundAndLeftStopped() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 7 AS n");
        cluster.stopFast();

        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupResult result = new BackupJob(host.request(cluster, host.dest()).build(), listener).run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.databaseRunning()).isFalse();
        assertThat(result.downtimeMillis()).isZero();
        assertThat(cluster.isRunning()).isFalse();
        assertThat(cluster.controlState()).isEqualTo("shut down");
        assertThat(listener.lines).anyMatch(l -> l.contains("already stopped"));
        JsonNode manifest = new ObjectMapper().readTree(Path.of(result.manifestPath()).toFile());
        assertThat(manifest.path("postgres").path("wasRunning").asBoolean()).isFalse();

        PgCluster copy = host.startCopyOf(Path.of(result.backupPath(), "data"));
        assertThat(copy.query("SELECT n FROM t")).isEqualTo("7");
    }
}
