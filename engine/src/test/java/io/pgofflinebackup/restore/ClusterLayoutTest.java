package io.pgofflinebackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupPlan;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.TestUser;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clusters as people run them, against a real sshd and real servers: tablespaces, a WAL directory
 * and configuration outside PGDATA are backed up beside the data, verified (by PostgreSQL's own
 * pg_verifybackup too), and restored to where they were or where the user maps them; what
 * PostgreSQL rebuilds by itself is left out, and said so.
 */
class ClusterLayoutTest {
    private static final String DATA = "SELECT count(*), sum(v) FROM in_ts_one";
    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static PgCluster layoutCluster() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0)
                .withTablespaces("ts_one", "ts_two").withSeparateWal(true).withExternalConfig(true));
        cluster.query("CREATE TABLE in_ts_one TABLESPACE ts_one AS SELECT g AS id, g * 3 AS v "
                + "FROM generate_series(1, 20000) g");
        cluster.query("CREATE TABLE in_pgdata AS SELECT 1 AS id");
        return cluster;
    }

    private static BackupResult backupOf(PgCluster cluster) {
        BackupResult backup = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        return backup;
    }

    private static String oid(PgCluster cluster, String tablespace) {
        return cluster.query("SELECT oid FROM pg_tablespace WHERE spcname = '" + tablespace + "'");
    }

    @Test
    void tablespacesAndTheWalDirectoryAreCopiedBesideTheDataAndVerifiedByPgVerifybackup() throws Exception {
        PgCluster cluster = layoutCluster();
        String one = oid(cluster, "ts_one");
        String two = oid(cluster, "ts_two");

        BackupResult result = backupOf(cluster);

        Path backup = Path.of(result.backupPath());
        assertThat(RealHostSupport.entries(backup)).containsExactly("backup.log", "backup_manifest", "config", "data",
                "manifest.json", "tablespaces", "wal");
        assertThat(RealHostSupport.entries(backup.resolve("tablespaces"))).containsExactlyInAnyOrder(one, two);
        // data/ keeps the links as links, naming the original places; the copies are beside it.
        assertThat(Files.readSymbolicLink(backup.resolve("data/pg_tblspc").resolve(one)))
                .isEqualTo(cluster.tablespaceLocation("ts_one"));
        assertThat(Files.readSymbolicLink(backup.resolve("data/pg_wal"))).isEqualTo(cluster.walDirectory());
        assertThat(RealHostSupport.entries(backup.resolve("tablespaces").resolve(one)))
                .singleElement().asString().startsWith("PG_" + cluster.majorVersion() + "_");
        assertThat(RealHostSupport.entries(backup.resolve("wal"))).contains("archive_status");

        JsonNode manifest = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
        assertThat(manifest.path("tablespaces")).hasSize(2);
        JsonNode first = manifest.path("tablespaces").get(0);
        assertThat(List.of(first.path("oid").asText(), first.path("name").asText(), first.path("location").asText()))
                .isIn(List.of(one, "ts_one", cluster.tablespaceLocation("ts_one").toString()),
                        List.of(two, "ts_two", cluster.tablespaceLocation("ts_two").toString()));
        assertThat(manifest.path("walDirectory").path("location").asText()).isEqualTo(cluster.walDirectory().toString());
        // Configuration outside PGDATA: under its absolute path in config/, every file the server reads.
        Path etc = cluster.configDirectory();
        assertThat(manifest.path("config").findValuesAsText("original")).contains(
                etc.resolve("postgresql.conf").toString(), etc.resolve("pg_hba.conf").toString(),
                etc.resolve("pg_ident.conf").toString(), etc.resolve("conf.d").toString(),
                etc.resolve("conf.d/custom.conf").toString());
        assertThat(Files.readString(backup.resolve("config" + etc.resolve("conf.d/custom.conf"))))
                .contains(PgCluster.EXTERNAL_SETTING[1]);
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        boolean tablespaceFileListed = false;
        for (JsonNode file : manifest.path("files")) {
            if (file.path("area").asText().equals("tablespaces/" + one) && file.path("type").asText().equals("file")) {
                tablespaceFileListed = true;
                assertThat(Files.size(backup.resolve("tablespaces/" + one).resolve(file.path("path").asText())))
                        .isEqualTo(file.path("size").asLong());
            }
        }
        assertThat(tablespaceFileListed).isTrue();
        // pg_verifybackup's own manifest lists tablespace files where PostgreSQL sees them.
        assertThat(Files.readString(backup.resolve("backup_manifest"))).contains("\"pg_tblspc/" + one + "/PG_");

        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.pgVerifybackup()).isEqualTo("passed");
        assertThat(report.areas()).extracting(a -> a.area()).containsExactlyInAnyOrder("tablespaces/" + one,
                "tablespaces/" + two, "wal");
        assertThat(report.configFiles()).hasSizeGreaterThanOrEqualTo(5);

        // A flipped byte in the copy of a tablespace is found by our checksums and by pg_verifybackup.
        Path relation;
        try (Stream<Path> files = Files.walk(backup.resolve("tablespaces").resolve(one))) {
            relation = files.filter(Files::isRegularFile).filter(p -> p.toFile().length() >= 8192).findFirst()
                    .orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(relation.toFile(), "rw")) {
            raf.seek(5000);
            int b = raf.read();
            raf.seek(5000);
            raf.write(b ^ 0xff);
        }
        VerifyReport damaged = host.verify(cluster, backup);
        assertThat(damaged.valid()).isFalse();
        assertThat(damaged.problems()).extracting(VerifyProblem::kind, VerifyProblem::path).contains(
                org.assertj.core.groups.Tuple.tuple("checksum",
                        "tablespaces/" + one + "/" + backup.resolve("tablespaces").resolve(one).relativize(relation)));
        assertThat(damaged.problems()).anyMatch(p -> p.kind().equals("pg_verifybackup")
                && p.detail().contains("pg_tblspc/" + one));
    }

    /**
     * A cluster found stopped has no catalog to name its tablespaces: its areas still come from the
     * links in PGDATA. (The awk that joined the names with the links once took the links for names
     * when there were none, and such a backup left its tablespaces and WAL directory out.)
     */
    @Test
    void aClusterFoundStoppedIsCopiedWithItsTablespacesAndWalDirectoryAndRestores() throws Exception {
        PgCluster cluster = layoutCluster();
        String one = oid(cluster, "ts_one");
        String two = oid(cluster, "ts_two");
        String atBackup = cluster.query(DATA);
        cluster.stopFast();

        BackupResult backup = backupOf(cluster);

        Path dir = Path.of(backup.backupPath());
        assertThat(RealHostSupport.entries(dir)).contains("tablespaces", "wal");
        assertThat(RealHostSupport.entries(dir.resolve("tablespaces"))).containsExactlyInAnyOrder(one, two);
        assertThat(RealHostSupport.entries(dir.resolve("wal"))).contains("archive_status");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.path("postgres").path("wasRunning").asBoolean()).isFalse();
        assertThat(manifest.path("tablespaces").findValuesAsText("oid")).containsExactlyInAnyOrder(one, two);
        assertThat(manifest.path("walDirectory").path("location").asText()).isEqualTo(cluster.walDirectory().toString());
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(Files.readString(dir.resolve("backup_manifest"))).contains("\"pg_tblspc/" + one + "/PG_");

        cluster.start();
        cluster.query("DROP TABLE in_ts_one");
        RestoreResult result = new RestoreJob(host.restoreRequest(cluster, backup.backupPath()).build(),
                new RealHostSupport.RecordingListener()).run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query(DATA)).isEqualTo(atBackup);
    }

    /**
     * A backup whose data directory links to a tablespace it holds no copy of (as one of a cluster
     * found stopped was before the areas were fixed) fails verify, whether or not pg_verifybackup is
     * there to notice, and a restore refuses it before it touches anything.
     */
    @Test
    void aBackupThatLinksToATablespaceItDoesNotHoldFailsVerifyAndIsNotRestored() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0).withTablespaces("ts_one"));
        cluster.query("CREATE TABLE in_ts_one TABLESPACE ts_one AS SELECT g AS id, g * 3 AS v"
                + " FROM generate_series(1, 100) g");
        String one = oid(cluster, "ts_one");
        BackupResult backup = backupOf(cluster);
        Path dir = Path.of(backup.backupPath());
        ManifestEditor.edit(dir, "{\"oid\": \"" + one + "\"", "{\"was\": \"" + one + "\"");
        Files.deleteIfExists(dir.resolve("backup_manifest"));

        VerifyReport report = host.verify(cluster, dir);

        assertThat(report.valid()).isFalse();
        assertThat(report.problems()).extracting(VerifyProblem::kind, VerifyProblem::path)
                .contains(org.assertj.core.groups.Tuple.tuple("missing", "data/pg_tblspc/" + one));
        RestoreResult restore = new RestoreJob(host.restoreRequest(cluster, backup.backupPath()).build(),
                new RealHostSupport.RecordingListener()).run();
        assertThat(restore.ok()).isFalse();
        assertThat(restore.errorMessage()).contains("pg_tblspc/" + one);
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query("SELECT count(*) FROM in_ts_one")).isEqualTo("100");
    }

    @Test
    void restoreAfterTheOriginalsAreWreckedPutsTablespacesWalAndConfigurationBackWhereTheyWere() throws Exception {
        PgCluster cluster = layoutCluster();
        String atBackup = cluster.query(DATA);
        BackupResult backup = backupOf(cluster);
        cluster.query("DROP TABLE in_ts_one");
        cluster.query("CREATE TABLE junk TABLESPACE ts_two AS SELECT g FROM generate_series(1, 1000) g");
        cluster.query("DROP TABLE in_pgdata");
        Path custom = cluster.configDirectory().resolve("conf.d/custom.conf");
        Files.writeString(custom, PgCluster.EXTERNAL_SETTING[0] + " = 'wrecked'\n");
        cluster.query("SELECT pg_reload_conf()");
        Thread.sleep(500);
        assertThat(cluster.query("SHOW " + PgCluster.EXTERNAL_SETTING[0])).isEqualTo("wrecked");

        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        RestoreResult result = new RestoreJob(host.restoreRequest(cluster, backup.backupPath()).build(), listener)
                .run();

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query(DATA)).isEqualTo(atBackup);
        assertThat(cluster.query("SHOW " + PgCluster.EXTERNAL_SETTING[0])).isEqualTo(PgCluster.EXTERNAL_SETTING[1]);
        // The wrecked configuration file is kept beside it; the unchanged ones were left alone.
        assertThat(RealHostSupport.entries(custom.getParent())).anyMatch(n -> n.startsWith("custom.conf.pre-restore-"));
        assertThat(RealHostSupport.entries(cluster.configDirectory())).noneMatch(n -> n.contains("pre-restore"));
        assertThat(cluster.query("SELECT count(*) FROM in_pgdata")).isEqualTo("1");
        assertThat(cluster.query("SELECT count(*) FROM pg_class WHERE relname = 'junk'")).isEqualTo("0");
        assertThat(Files.readSymbolicLink(cluster.pgdata().resolve("pg_wal"))).isEqualTo(cluster.walDirectory());
        assertThat(Files.readSymbolicLink(cluster.pgdata().resolve("pg_tblspc").resolve(oid(cluster, "ts_one"))))
                .isEqualTo(cluster.tablespaceLocation("ts_one"));
        // What was there is kept, moved aside beside each place.
        assertThat(RealHostSupport.entries(cluster.tablespaceLocation("ts_one").getParent()))
                .anyMatch(n -> n.startsWith("ts_one.pre-restore-")).anyMatch(n -> n.startsWith("ts_two.pre-restore-"));
        assertThat(RealHostSupport.entries(cluster.directory())).anyMatch(n -> n.startsWith("wal.pre-restore-"));
        // ... and the result says where each of them is.
        assertThat(result.alsoMovedAside()).extracting(RestoreResult.MovedAside::what, RestoreResult.MovedAside::original)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("tablespaces/" + oid(cluster, "ts_one"),
                                cluster.tablespaceLocation("ts_one").toString()),
                        org.assertj.core.groups.Tuple.tuple("tablespaces/" + oid(cluster, "ts_two"),
                                cluster.tablespaceLocation("ts_two").toString()),
                        org.assertj.core.groups.Tuple.tuple("wal", cluster.walDirectory().toString()),
                        org.assertj.core.groups.Tuple.tuple("config", custom.toRealPath().toString()));
        assertThat(result.alsoMovedAside()).allSatisfy(m -> {
            assertThat(m.aside()).startsWith(m.original() + ".pre-restore-");
            assertThat(Path.of(m.aside())).exists();
        });
    }

    @Test
    void aRestoreThatCannotStartPutsBackEveryDirectoryAndFileItMovedAside() throws Exception {
        PgCluster cluster = layoutCluster();
        BackupResult backup = backupOf(cluster);
        // Consistently broken (the manifest agrees), so that it verifies, is copied in, and then fails to start.
        Path backupDir = Path.of(backup.backupPath());
        Path auto = backupDir.resolve("data/postgresql.auto.conf");
        Files.writeString(auto, Files.readString(auto) + "\nshared_buffers = 'not a size'\n");
        ManifestEditor.resync(backupDir, List.of("postgresql.auto.conf"));
        cluster.query("UPDATE in_ts_one SET v = -1");
        Path custom = cluster.configDirectory().resolve("conf.d/custom.conf");
        Files.writeString(custom, PgCluster.EXTERNAL_SETTING[0] + " = 'changed after backup'\n");
        cluster.query("SELECT pg_reload_conf()");
        String changed = cluster.query(DATA);

        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath()).build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.START_FAILED);
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.databaseRunning()).isTrue();
        assertThat(cluster.query(DATA)).isEqualTo(changed);
        assertThat(cluster.query("SHOW " + PgCluster.EXTERNAL_SETTING[0])).isEqualTo("changed after backup");
        assertThat(Files.readSymbolicLink(cluster.pgdata().resolve("pg_wal"))).isEqualTo(cluster.walDirectory());
        // The failed copies are kept aside; nothing of the originals stays aside.
        assertThat(RealHostSupport.entries(cluster.tablespaceLocation("ts_one").getParent()))
                .contains("ts_one", "ts_two").anyMatch(n -> n.startsWith("ts_one.failed-restore-"))
                .noneMatch(n -> n.contains("pre-restore"));
        assertThat(RealHostSupport.entries(cluster.directory())).contains("wal")
                .anyMatch(n -> n.startsWith("wal.failed-restore-")).noneMatch(n -> n.contains("pre-restore"));
        assertThat(RealHostSupport.entries(custom.getParent())).contains("custom.conf")
                .anyMatch(n -> n.startsWith("custom.conf.failed-restore-")).noneMatch(n -> n.contains("pre-restore"));
    }

    @Test
    void oneTablespaceIsRestoredToAMappedPathAndItsOriginalIsLeftAlone() throws Exception {
        PgCluster cluster = layoutCluster();
        String atBackup = cluster.query(DATA);
        String one = oid(cluster, "ts_one");
        BackupResult backup = backupOf(cluster);
        cluster.query("UPDATE in_ts_one SET v = 0");
        Path mapped = TestUser.newWorkDir("mapped").resolve("ts_one_elsewhere");
        host.user.chownToUser(mapped.getParent());

        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath())
                .tablespaceMap("ts_one", mapped.toString()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(cluster.query(DATA)).isEqualTo(atBackup);
        assertThat(Files.readSymbolicLink(cluster.pgdata().resolve("pg_tblspc").resolve(one))).isEqualTo(mapped);
        assertThat(cluster.query("SELECT pg_tablespace_location(" + one + ")")).isEqualTo(mapped.toString());
        assertThat(RealHostSupport.entries(mapped)).singleElement().asString().startsWith("PG_");
        // The original location was not the target: it is untouched, still where it was.
        assertThat(RealHostSupport.entries(cluster.tablespaceLocation("ts_one").getParent()))
                .contains("ts_one").noneMatch(n -> n.startsWith("ts_one.pre-restore-"));
    }

    @Test
    void aMapThatNamesNoTablespaceIsRefusedBeforeAnythingIsTouched() throws Exception {
        PgCluster cluster = layoutCluster();
        BackupResult backup = backupOf(cluster);
        long pid = cluster.postmasterPid();

        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath())
                .tablespaceMap("no_such_space", "/tmp/anywhere").build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(result.errorMessage()).contains("no_such_space", "ts_one", "ts_two");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
    }

    @Test
    void aRestoreThatWouldTakeTheTablespacesOfAnotherRunningClusterIsRefused() throws Exception {
        PgCluster cluster = layoutCluster();
        BackupResult backup = backupOf(cluster);
        Path clone = TestUser.newWorkDir("clone").resolve("data");
        host.user.chownToUser(clone.getParent());

        // A clone beside the running original: by default its tablespaces would go where the original's are.
        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath())
                .pgdata(clone.toString()).confirm(clone.toString()).build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.TARGET_NOT_USABLE);
        assertThat(result.errorMessage()).contains("in use by the running cluster", "--tablespace-map", "--wal-dir");
        assertThat(result.warnings()).anyMatch(w -> w.contains("configuration files outside PGDATA are not put back"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.isRunning()).isTrue();
        assertThat(RealHostSupport.entries(cluster.tablespaceLocation("ts_one").getParent()))
                .containsExactlyInAnyOrder("ts_one", "ts_two");
    }

    @Test
    void whatPostgresqlRebuildsAtStartAndSpecialFilesAreLeftOutAndListed() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 5 AS n");
        Path data = cluster.pgdata();
        Files.createDirectories(data.resolve("base/pgsql_tmp"));
        Files.writeString(data.resolve("base/pgsql_tmp/pgsql_tmp4242.0"), "spilled sort");
        Files.writeString(data.resolve("pg_stat_tmp/left-over.stat"), "stats");
        Path socket = data.resolve("agent.sock");
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(socket));
        }
        for (Path p : List.of(data.resolve("base/pgsql_tmp"), data.resolve("base/pgsql_tmp/pgsql_tmp4242.0"),
                data.resolve("pg_stat_tmp/left-over.stat"), socket)) {
            host.user.chownToUser(p);
        }

        BackupResult result = backupOf(cluster);

        Path backup = Path.of(result.backupPath());
        JsonNode manifest = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
        // postmaster.pid went with the clean stop; the rest stays in a stopped data directory.
        assertThat(manifest.path("omitted").findValuesAsText("omitted")).contains("postmaster.opts",
                "base/pgsql_tmp", "pg_stat_tmp/left-over.stat", "agent.sock");
        assertThat(manifest.path("omitted").findValuesAsText("reason")).allMatch(r -> !r.isEmpty());
        for (String gone : List.of("postmaster.pid", "base/pgsql_tmp", "pg_stat_tmp/left-over.stat", "agent.sock")) {
            assertThat(backup.resolve("data").resolve(gone)).doesNotExist();
        }
        assertThat(backup.resolve("data/pg_stat_tmp")).isDirectory();
        assertThat(host.verify(cluster, backup).valid()).isTrue();
        assertThat(host.startCopyOf(backup.resolve("data")).query("SELECT n FROM t")).isEqualTo("5");
    }

    @Test
    void aTablespaceWhoseDirectoryIsGoneIsReportedBeforeTheStop() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0).withTablespaces("lost"));
        Path location = cluster.tablespaceLocation("lost");
        Files.move(location, location.resolveSibling("lost.moved-by-someone"));
        long pid = cluster.postmasterPid();

        BackupPlan plan = new io.pgofflinebackup.backup.BackupJob(host.request(cluster, host.dest()).build(),
                new RealHostSupport.RecordingListener()).plan();
        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(plan.ok()).isFalse();
        assertThat(result.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_LAYOUT);
        assertThat(result.errorMessage()).contains("tablespace", "(lost)", location.toString(), "does not exist");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
    }

    @Test
    void aTablespaceInsidePgdataIsReportedBeforeTheStop() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path inside = cluster.pgdata().resolve("my_tablespace");
        Files.createDirectory(inside);
        host.user.chownToUser(inside);
        // PostgreSQL only warns about this; a backup would copy it twice and could not restore it apart.
        cluster.query("CREATE TABLESPACE inside_pgdata LOCATION '" + inside + "'");
        long pid = cluster.postmasterPid();

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_LAYOUT);
        assertThat(result.errorMessage()).contains("(inside_pgdata)", "inside PGDATA");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
    }
}
