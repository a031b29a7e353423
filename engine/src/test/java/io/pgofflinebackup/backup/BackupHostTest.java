package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.SshServer.ClientAccess;
import io.pgofflinebackup.testing.TestUser;
import io.pgofflinebackup.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --dest-host: the database host (sshd on 127.0.0.1) pushes the backup with rsync over ssh to a
 * backup host (a second sshd on 127.0.0.2 with its own directory), which seals it; a restore fetches
 * it back. The database host's user reaches the backup host with its own key and known_hosts.
 */
class BackupHostTest {
    private static final String STATE = "SELECT count(*), sum(abalance), (SELECT count(*) FROM notes) FROM pgbench_accounts";
    // Names that break a shell that pastes them: a command substitution, backquotes, quotes, spaces.
    private static final String HOSTILE = "it's $(touch pwned-dh) `touch pwned-bq` \"backups\" -x";

    private static RealHostSupport host;
    private static SshServer backupHost;
    private static ClientAccess access;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        backupHost = SshServer.start(host.user, "127.0.0.2");
        access = backupHost.accessFor(host.user);
    }

    @AfterAll
    static void stop() {
        try {
            backupHost.close();
        } finally {
            host.close();
        }
    }

    /** A directory "on the backup host", with a hostile name. */
    private static Path backupDir() throws Exception {
        Path root = TestUser.newWorkDir("bhdest");
        Path dir = Files.createDirectory(root.resolve(HOSTILE));
        host.user.chownToUser(root);
        return dir;
    }

    private static BackupRequest.Builder request(PgCluster cluster, Path dest, ClientAccess to) {
        return host.request(cluster, dest).destHost(to.spec()).destHostIdentity(to.identity().toString())
                .destHostKnownHosts(to.knownHosts().toString());
    }

    @Test
    void backupOnTheBackupHostIsSealedVerifiedLinkedAndRestores() throws Exception {
        // Every area a backup holds: a tablespace, pg_wal elsewhere, the configuration outside PGDATA.
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withTablespaces("ts_far")
                .withSeparateWal(true).withExternalConfig(true));
        cluster.query("CREATE TABLE notes (id int PRIMARY KEY, body text) TABLESPACE ts_far;"
                + " INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 500) g");
        Path dest = backupDir();
        String first = cluster.query(STATE);

        // This side cannot reach the backup host: the records come back through the database host.
        Path kept = TestUser.newWorkDir("bhrecords").resolve("kept");
        BackupResult r1 = new BackupJob(request(cluster, dest, access).build(), ProgressListener.NONE)
                .keepRecordsIn(kept).run();
        assertThat(r1.ok()).as(String.valueOf(r1.errorMessage())).isTrue();
        Path b1 = dest.resolve(r1.backupId());
        for (String name : BackupRecords.NAMES) {
            assertThat(kept.resolve(name)).as(name).hasSameBinaryContentAs(b1.resolve(name));
        }
        assertThat(r1.backupPath()).isEqualTo(b1.toString());
        assertThat(b1.resolve("manifest.json")).isRegularFile();
        assertThat(b1.resolve("backup_manifest")).isRegularFile();
        assertThat(Files.readString(b1.resolve("backup.log"))).contains("renaming to");
        String tablespaceOid = cluster.query("SELECT oid FROM pg_tablespace WHERE spcname = 'ts_far'");
        assertThat(b1.resolve("tablespaces").resolve(tablespaceOid)).isDirectory();
        assertThat(b1.resolve("wal")).isDirectory();
        assertThat(b1.resolve("config")).isDirectory();
        assertThat(RealHostSupport.entries(dest)).containsExactly(r1.backupId());
        JsonNode manifest = new ObjectMapper().readTree(b1.resolve("manifest.json").toFile());
        // The backup host has PostgreSQL's binaries of this major: it checks the copy it holds, WAL and pages.
        String backupHostLogin = host.user.name() + "@" + backupHost.host();
        assertThat(manifest.path("verification").path("pgVerifybackup").asText()).isEqualTo("passed");
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("passed");
        assertThat(r1.pgChecksums()).isEqualTo("passed");
        assertThat(Files.readString(b1.resolve("backup.log")))
                .contains("checking the copy on the backup host " + backupHostLogin + " with "
                        + cluster.binDir().resolve("pg_verifybackup") + " --skip-checksums")
                .contains("the data page checksums of the copy on the backup host " + backupHostLogin)
                .contains("Bad checksums:  0");
        assertThat(r1.databaseRunning()).isTrue();
        // Nothing of the run is left on the database host once it succeeded.
        assertThat(host.user.home().resolve(".pg-offline-backup/runs/" + r1.backupId())).doesNotExist();

        // Our checksums, and PostgreSQL's own backup_manifest (WAL range included), check out on the copy.
        VerifyReport report = host.verify(cluster, b1);
        assertThat(report.problems()).isEmpty();
        Path safeName = TestUser.newWorkDir("bhsafe").resolve("b1");
        Files.createSymbolicLink(safeName, b1);
        host.user.runAs(List.of(cluster.binDir().resolve("pg_verifybackup").toString(), "-m",
                safeName.resolve("backup_manifest").toString(), safeName.resolve("data").toString()),
                Duration.ofMinutes(2)).orThrow();

        // A second generation hard-links what did not change to the first, on the backup host.
        cluster.query("INSERT INTO notes SELECT g, 'second' FROM generate_series(1001, 1200) g;"
                + " UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid <= 10");
        String second = cluster.query(STATE);
        BackupResult r2 = RealHostSupport.backup(request(cluster, dest, access).build());
        assertThat(r2.ok()).as(String.valueOf(r2.errorMessage())).isTrue();
        Path b2 = dest.resolve(r2.backupId());
        JsonNode method = new ObjectMapper().readTree(b2.resolve("manifest.json").toFile()).path("method");
        assertThat(method.path("linkedFrom").asText()).isEqualTo(r1.backupId());
        assertThat(method.path("linkedFiles").asLong()).isPositive();
        assertThat(method.path("linkedBytes").asLong()).isPositive();
        assertThat(Files.getAttribute(b2.resolve("data/PG_VERSION"), "unix:ino"))
                .isEqualTo(Files.getAttribute(b1.resolve("data/PG_VERSION"), "unix:ino"));
        assertThat(host.verify(cluster, b2).problems()).isEmpty();
        assertThat(host.verify(cluster, b1).problems()).isEmpty();
        assertThat(first).isNotEqualTo(second);

        // Restore the second from the backup host onto the live cluster, which changed since.
        cluster.query("DELETE FROM notes; UPDATE pgbench_accounts SET abalance = 0");
        RestoreResult restored = RealHostSupport.restore(host.restoreRequest(cluster, b2.toString())
                .backupHost(access.spec()).backupHostIdentity(access.identity().toString())
                .backupHostKnownHosts(access.knownHosts().toString()).build());
        assertThat(restored.ok()).as(String.valueOf(restored.errorMessage())).isTrue();
        assertThat(cluster.query(STATE)).isEqualTo(second);
        // The tablespace and the WAL directory are back where they were (links unchanged).
        assertThat(Files.readSymbolicLink(cluster.pgdata().resolve("pg_tblspc").resolve(tablespaceOid)))
                .isEqualTo(cluster.tablespaceLocation("ts_far"));
        assertThat(cluster.pgdata().resolve("pg_wal").toRealPath()).isEqualTo(cluster.walDirectory().toRealPath());
        // The fetched copy is gone from the database host; the backup host keeps the original.
        try (var siblings = Files.list(cluster.pgdata().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(".pg-offline-backup-fetch."));
        }
        assertThat(host.verify(cluster, b2).problems()).isEmpty();

        // The hostile name was never executed, on either side.
        for (Path dir : List.of(host.user.home(), dest.getParent(), dest, Path.of("/tmp"))) {
            assertThat(dir.resolve("pwned-dh")).doesNotExist();
            assertThat(dir.resolve("pwned-bq")).doesNotExist();
        }
    }

    /**
     * A page damaged in the cluster reaches the copy on the backup host as it is; the backup host's own
     * pg_checksums finds it there, and the backup says so without being thrown away.
     */
    @Test
    void aDamagedPageIsFoundOnTheBackupHostAndRecorded() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        RealHostSupport.damagePage(cluster, 2);
        cluster.start();
        Path dest = backupDir();

        BackupResult result = RealHostSupport.backup(request(cluster, dest, access).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.pgChecksums()).isEqualTo("failed");
        assertThat(result.warnings()).anyMatch(w -> w.contains("bad checksums in the copy on the backup host"));
        Path backup = dest.resolve(result.backupId());
        JsonNode manifest = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
        assertThat(manifest.path("verification").path("pgChecksums").asText()).isEqualTo("failed");
        assertThat(Files.readString(backup.resolve("backup.log"))).contains("Bad checksums:  1")
                .contains("two pg_checksums --check at once")
                .containsPattern("checksum verification failed in file \"base/\\d+/\\d+\", block 2:");
        assertThat(RealHostSupport.entries(backup)).noneMatch(n -> n.startsWith(".pg_checksums"));
        assertThat(result.databaseRunning()).isTrue();
    }

    /**
     * A file a new generation would share with the previous backup on the backup host must still hold what
     * that backup recorded: bit rot there (same size and time, so the file would be linked again) is caught
     * before the new backup is sealed, instead of being passed on to every later generation.
     */
    @Test
    void aDamagedPreviousBackupOnTheBackupHostIsCaughtBeforeItIsSharedAgain() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = backupDir();
        BackupResult first = RealHostSupport.backup(request(cluster, dest, access).build());
        assertThat(first.ok()).as(String.valueOf(first.errorMessage())).isTrue();
        Path shared = dest.resolve(first.backupId()).resolve("data/PG_VERSION");
        FileTime time = Files.getLastModifiedTime(shared);
        byte[] bytes = Files.readAllBytes(shared);
        bytes[0] ^= 1;
        Files.write(shared, bytes);
        Files.setLastModifiedTime(shared, time);

        BackupResult second = RealHostSupport.backup(request(cluster, dest, access).build());

        assertThat(second.ok()).isFalse();
        assertThat(second.errorCode()).isEqualTo(ErrorCode.VERIFY_FAILED);
        assertThat(second.errorMessage()).contains("PG_VERSION").contains(first.backupId()).contains("--no-link");
        assertThat(second.databaseRunning()).isTrue();
        assertThat(cluster.isRunning()).isTrue();
        // No second complete backup: only its partial, which is never taken for one.
        assertThat(RealHostSupport.entries(dest)).filteredOn(name -> !name.startsWith("."))
                .containsExactly(first.backupId());
    }

    @Test
    void keepRemovesTheOldestBackupsOnTheBackupHost() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = backupDir();
        BackupResult a1 = RealHostSupport.backup(request(cluster, dest, access).keep(2).build());
        BackupResult a2 = RealHostSupport.backup(request(cluster, dest, access).keep(2).build());
        Path foreign = Files.createDirectories(dest.resolve("20200101T000000Z"));
        host.user.chownToUser(foreign);
        BackupResult a3 = RealHostSupport.backup(request(cluster, dest, access).keep(2).build());
        assertThat(List.of(a1.ok(), a2.ok(), a3.ok())).containsOnly(true);
        assertThat(a3.removedBackups()).containsExactly(a1.backupId());
        assertThat(RealHostSupport.entries(dest)).containsExactlyInAnyOrder(a2.backupId(), a3.backupId(),
                "20200101T000000Z");
        assertThat(host.verify(cluster, dest.resolve(a3.backupId())).problems()).isEmpty();
    }

    @Test
    void postgresqlRunsAgainWhenTheBackupHostGoesAwayMidCopy() throws Exception {
        // Big enough that the copy takes a while: the backup host goes away in the middle of it.
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(15));
        long pidBefore = cluster.postmasterPid();
        SshServer doomed = SshServer.start(host.user, "127.0.0.2");
        try {
            ClientAccess to = doomed.accessFor(host.user);
            Path dest = backupDir();
            CompletableFuture<BackupResult> backup = CompletableFuture.supplyAsync(() ->
                    RealHostSupport.backup(request(cluster, dest, to).snapshot(SnapshotMode.NONE).build()));
            // The moment the copy of the data directory begins, the backup host goes away: its sshd
            // and every session it serves are killed.
            awaitCopyInto(dest, backup);
            doomed.killSessions();
            doomed.close();

            BackupResult result = backup.get(3, TimeUnit.MINUTES);
            assertThat(result.ok()).isFalse();
            assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.COPY_FAILED);
            assertThat(result.databaseRunning()).isTrue();
            assertThat(cluster.isRunning()).isTrue();
            assertThat(cluster.postmasterPid()).isNotEqualTo(pidBefore);
            assertThat(cluster.query("SELECT count(*) > 0 FROM pgbench_accounts")).isEqualTo("t");
            // What reached the backup host is a .partial, never taken for a backup.
            assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.endsWith(".partial"));
        } finally {
            doomed.close();
        }
    }

    private static void awaitCopyInto(Path dest, CompletableFuture<BackupResult> backup) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (backup.isDone()) {
                throw new AssertionError("the backup ended before its copy was seen: " + backup.get());
            }
            try (var entries = Files.list(dest)) {
                if (entries.anyMatch(p -> p.getFileName().toString().endsWith(".partial")
                        && Files.isDirectory(p.resolve("data/base")))) {
                    return;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no copy into " + dest + " began");
    }

    @Test
    void preflightRefusesWhatWouldFailWhilePostgresqlStillRuns() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        long pid = cluster.postmasterPid();
        Path dest = backupDir();

        Path emptyKnownHosts = TestUser.newWorkDir("bhnokh").resolve("known_hosts");
        Files.writeString(emptyKnownHosts, "");
        host.user.chownToUser(emptyKnownHosts);
        ClientAccess unknownKey = new ClientAccess(access.spec(), access.identity(), emptyKnownHosts);
        assertRefused(request(cluster, dest, unknownKey).build(), ErrorCode.DEST_HOST_KEY_UNKNOWN, "known_hosts");

        Path stranger = TestUser.newWorkDir("bhstranger").resolve("id");
        ProcessRunner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()),
                Duration.ofSeconds(30)).orThrow();
        host.user.chownToUser(stranger.getParent());
        ClientAccess untrusted = new ClientAccess(access.spec(), stranger, access.knownHosts());
        assertRefused(request(cluster, dest, untrusted).build(), ErrorCode.DEST_HOST_AUTH_FAILED, "authorized_keys");

        assertRefused(request(cluster, dest.resolve("missing"), access).build(), ErrorCode.DEST_NOT_USABLE,
                "does not exist");

        Path small = Files.createDirectory(dest.resolve("small"));
        ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755,uid=" + host.user.uid(), "tmpfs",
                small.toString()), Duration.ofSeconds(30)).orThrow();
        try {
            assertRefused(request(cluster, small, access).build(), ErrorCode.NO_SPACE, "not enough space");
        } finally {
            ProcessRunner.run(List.of("umount", small.toString()), Duration.ofSeconds(30)).orThrow();
        }

        BackupResult precopy = RealHostSupport.backup(request(cluster, dest, access).precopy(true).build());
        assertThat(precopy.errorCode()).isEqualTo(ErrorCode.BAD_INPUT);

        assertThat(cluster.postmasterPid()).isEqualTo(pid);
        assertThat(RealHostSupport.entries(dest)).containsExactly("small");
    }

    private static void assertRefused(BackupRequest request, ErrorCode code, String says) {
        BackupResult result = RealHostSupport.backup(request);
        assertThat(result.ok()).isFalse();
        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(code);
        assertThat(result.errorMessage()).contains(says).contains("Nothing was changed");
        assertThat(code.outcome()).isEqualTo(ErrorCode.Outcome.UNTOUCHED);
    }

}
