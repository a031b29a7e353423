package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.restore.UploadedRestore;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.TestUser;
import io.pgofflinebackup.testing.XfsMount;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --pull-to: the backup is pulled through the client's SSH connection into a directory on the
 * client's machine, verified against the stopped cluster, sealed only once complete, and restores
 * (restore --upload-from) to the data at the stop; nothing of the cluster stays on the host.
 */
class PullToTest {
    private static final String QUERY = "SELECT count(*), sum(abalance), (SELECT count(*) FROM notes) FROM pgbench_accounts";
    private static RealHostSupport host;
    private static XfsMount xfs;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        try {
            host.close();
        } finally {
            // After the clusters on it are gone.
            if (xfs != null) {
                xfs.close();
            }
        }
    }

    @Test
    void aPulledBackupIsVerifiedSealedAndRestoresFromThisMachine() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes AS SELECT g AS id, md5(g::text) AS body FROM generate_series(1, 5000) g");
        String atBackup = cluster.query(QUERY);
        Path local = TestUser.newWorkDir("pulled");

        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupResult backup = new BackupJob(host.request(cluster, local).dest(null).pullTo(local).build(), listener)
                .run();

        assertThat(backup.ok()).as(backup.errorMessage() + "\n" + String.join("\n", listener.lines)).isTrue();
        assertThat(cluster.isRunning()).isTrue();
        Path sealed = Path.of(backup.backupPath());
        assertThat(sealed).isEqualTo(local.resolve(backup.backupId()));
        assertThat(RealHostSupport.entries(local)).containsExactly(backup.backupId());
        assertThat(sealed.resolve("data/PG_VERSION")).isRegularFile();
        assertThat(sealed.resolve("backup.log")).content().contains("the client reports the pull complete");
        JsonNode manifest = new ObjectMapper().readTree(sealed.resolve("manifest.json").toFile());
        assertThat(manifest.path("backupId").asText()).isEqualTo(backup.backupId());
        assertThat(manifest.path("totals").path("files").asLong()).isEqualTo(backup.files()).isPositive();
        // This machine has PostgreSQL's binaries of the cluster's version: the copy is checked here.
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("passed");
        assertThat(backup.pgVerifybackup()).isEqualTo("passed");
        assertThat(backup.pgChecksums()).isEqualTo("passed");
        assertThat(sealed.resolve("backup.log")).content()
                .contains("checking the pulled copy on this machine with " + cluster.binDir() + "/pg_verifybackup")
                .contains("the data page checksums of the pulled copy, on this machine")
                .contains("Bad checksums:  0");
        assertThat(RealHostSupport.entries(sealed)).noneMatch(n -> n.startsWith(".pg_checksums"));
        // The manifest, edited here, still carries its own checksum.
        assertThat(RealHostSupport.sealedByLib(sealed.resolve("manifest.json"))).isTrue();
        assertThat(sealed.resolve("backup_manifest")).isRegularFile();
        // The SHA-256 the client computed as the files arrived is what the manifest records.
        String control = null;
        for (JsonNode file : manifest.path("files")) {
            if (file.path("path").asText().equals("global/pg_control")) {
                control = file.path("sha256").asText();
            }
        }
        assertThat(control).isEqualTo(sha256(sealed.resolve("data/global/pg_control")));
        // Nothing of the run is left on the host (other runs of the same test user may be there).
        assertThat(host.user.home().resolve(".pg-offline-backup/runs/" + backup.backupId())).doesNotExist();

        cluster.query("UPDATE pgbench_accounts SET abalance = abalance + 7; DROP TABLE notes;"
                + " CREATE TABLE notes AS SELECT 1 AS id");
        RestoreRequest request = host.restoreRequest(cluster,
                UploadedRestore.stagingPath(cluster.pgdata().toString(), backup.backupId())).build();
        RestoreResult restored = new UploadedRestore(request, sealed, new RealHostSupport.RecordingListener()).run();

        assertThat(restored.ok()).as(String.valueOf(restored.errorMessage())).isTrue();
        assertThat(cluster.query(QUERY)).isEqualTo(atBackup);
        assertThat(RealHostSupport.entries(cluster.pgdata().getParent())).noneMatch(n -> n.contains(".upload-"));
        // The local backup was only read.
        assertThat(sha256(sealed.resolve("data/global/pg_control"))).isEqualTo(control);
    }

    @Test
    void aDamagedPageInAPulledCopyIsFoundOnThisMachine() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        RealHostSupport.damagePage(cluster, 2);
        Path local = TestUser.newWorkDir("pulled");

        BackupResult backup = new BackupJob(host.request(cluster, local).dest(null).pullTo(local).build(),
                new RealHostSupport.RecordingListener()).run();

        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        assertThat(backup.pgChecksums()).isEqualTo("failed");
        assertThat(backup.warnings()).anyMatch(w -> w.contains("bad checksums in the pulled copy (1 blocks"));
        Path sealed = Path.of(backup.backupPath());
        JsonNode manifest = new ObjectMapper().readTree(sealed.resolve("manifest.json").toFile());
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("failed");
        assertThat(sealed.resolve("backup.log")).content().containsPattern(
                "checksum verification failed in file \"base/\\d+/\\d+\", block 2:");
    }

    @Test
    void aSnapshotIsPulledFromTheCloneWhilePostgresqlServesAndATablespaceComesAlong() throws Exception {
        xfs = XfsMount.create();
        {
            PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1).withTablespaces("fast")
                    .withParentDirectory(xfs.path()));
            cluster.query("CREATE TABLE notes TABLESPACE fast AS SELECT g AS id FROM generate_series(1, 3000) g");
            String atTheStop = cluster.query(QUERY);
            Path local = TestUser.newWorkDir("pulled");

            BackupResult backup = RealHostSupport.backup(host.request(cluster, local).dest(null).pullTo(local)
                    .snapshot(SnapshotMode.REFLINK).build());

            assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
            assertThat(backup.copyMethod()).isEqualTo("snapshot");
            Path sealed = Path.of(backup.backupPath());
            JsonNode manifest = new ObjectMapper().readTree(sealed.resolve("manifest.json").toFile());
            assertThat(manifest.path("method").path("snapshot").asText()).isEqualTo("reflink");
            // The pulled copy is not where the PostgreSQL binaries are: the clone it was made from is checked.
            assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("passed");
            assertThat(backup.pgChecksums()).isEqualTo("passed");
            assertThat(sealed.resolve("backup.log")).content()
                    .contains("the data page checksums of the clone, by pg_checksums --check")
                    .containsPattern("Files scanned: +[1-9]");
            assertThat(manifest.path("tablespaces")).hasSize(1);
            String area = manifest.path("tablespaces").get(0).path("area").asText();
            assertThat(sealed.resolve(area)).isDirectory();
            try (Stream<Path> walk = Files.walk(xfs.path(), 4)) {
                assertThat(walk.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".pg-offline-backup-")))
                        .as("staging clones").isEmpty();
            }

            cluster.query("UPDATE pgbench_accounts SET abalance = abalance - 3; INSERT INTO notes SELECT 0");
            RestoreResult restored = new UploadedRestore(host.restoreRequest(cluster,
                    UploadedRestore.stagingPath(cluster.pgdata().toString(), backup.backupId())).build(), sealed,
                    new RealHostSupport.RecordingListener()).run();
            assertThat(restored.ok()).as(String.valueOf(restored.errorMessage())).isTrue();
            assertThat(cluster.query(QUERY)).isEqualTo(atTheStop);
        }
    }

    @Test
    void aPullStuckPastTheMaximumDowntimeIsGivenUpAndPostgresqlServes() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        Path local = TestUser.newWorkDir("pulled");
        java.util.concurrent.atomic.AtomicReference<RunnerInfo> runner = new java.util.concurrent.atomic.AtomicReference<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void runnerStarted(RunnerInfo info) {
                runner.set(info);
            }
        };
        BackupRequest request = host.request(cluster, local).dest(null).pullTo(local).snapshot(SnapshotMode.NONE)
                .maxDowntime(java.time.Duration.ofSeconds(4)).build();
        java.util.concurrent.CompletableFuture<BackupResult> job = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> new BackupJob(request, listener).run());
        // Freeze the database host's tar stream as soon as it exists: the pull then stalls with PostgreSQL down.
        long tar = -1;
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        while (tar < 0) {
            assertThat(System.nanoTime()).as("no pull stream started").isLessThan(deadline);
            assertThat(job).as("the job ended before the pull").isNotDone();
            RunnerInfo info = runner.get();
            Path pids = info == null ? null : Path.of(info.runDir(), "pull.pids");
            if (pids != null && Files.exists(pids) && !Files.readString(pids).isBlank()) {
                tar = Long.parseLong(Files.readString(pids).lines().findFirst().orElseThrow().strip());
                Procs.signal(tar, "STOP");
            } else {
                Thread.sleep(2);
            }
        }
        try {
            BackupResult result = job.get(180, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.ok()).isFalse();
            assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(io.pgofflinebackup.ErrorCode.MAX_DOWNTIME);
            assertThat(result.databaseRunning()).isTrue();
            assertThat(cluster.isRunning()).isTrue();
            assertThat(RealHostSupport.entries(local)).allMatch(n -> n.endsWith(".partial"));
        } finally {
            Procs.signal(tar, "CONT");
        }
        assertThat(Procs.awaitDeath(tar, java.time.Duration.ofSeconds(10))).as("the stopped pull stream ends").isTrue();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
