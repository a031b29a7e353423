package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.LoopMount;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POSIX ACLs in a cluster, as a log shipper's setup leaves them: a directory with an ACL and a default
 * ACL, and a file with an ACL of its own. A backup keeps them and a restore puts them back; a destination
 * whose file system cannot hold ACLs gets the copy without them and a warning that says so, where cp (and
 * the runbook's cp -a) would fail the copy after the stop. Where the ACLs will not be kept (that
 * destination, a backup host, a pull to the client), the job says so before it stops PostgreSQL.
 */
class AclTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
    void aclsAreKeptByABackupAndPutBackByARestore() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path log = withAcls(cluster);
        Path shipped = log.resolve("shipped.log");

        BackupResult backup = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        assertThat(backup.warnings()).noneMatch(w -> w.contains("ACL"));
        assertThat(Path.of(backup.backupPath(), "backup.log")).content()
                .contains("2 files and directories to back up carry POSIX ACLs (such as " + log + "/): the copy keeps them");
        Path copy = Path.of(backup.backupPath(), "data", "log");
        assertThat(acl(copy)).contains("user:nobody:r-x", "default:user:nobody:r--");
        assertThat(acl(copy.resolve("shipped.log"))).contains("user:nobody:r--");

        // Taken off the live cluster, they come back with the restore.
        run("setfacl", "-b", "-k", log.toString());
        run("setfacl", "-b", shipped.toString());
        assertThat(acl(log)).doesNotContain("nobody");
        RestoreResult restored = RealHostSupport.restore(host.restoreRequest(cluster, backup.backupPath()).build());
        assertThat(restored.ok()).as(String.valueOf(restored.errorMessage())).isTrue();
        assertThat(acl(log)).contains("user:nobody:r-x", "default:user:nobody:r--");
        assertThat(acl(shipped)).contains("user:nobody:r--");
    }

    @Test
    void aDestinationThatCannotHoldAclsGetsTheCopyWithoutThemAndAWarning() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path log = withAcls(cluster);
        // btrfs mounted with noacl refuses ACLs, as an NFSv4 or a FUSE mount would.
        Path work = TestUser.newWorkDir("noacl");
        Path image = work.resolve("btrfs.img");
        Path dest = Files.createDirectory(work.resolve("mnt"));
        run("truncate", "-s", "256M", image.toString());
        run("mkfs.btrfs", "-q", "-f", image.toString());
        LoopMount.mount(image, dest, "loop,noacl");
        try {
            host.user.chownToUser(dest);

            BackupResult backup = RealHostSupport.backup(host.request(cluster, dest).build());

            assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
            assertWarnedBeforeTheStop(backup, dest + " cannot hold them (Operation not supported)");
            assertThat(backup.warnings()).anyMatch(w -> w.contains("cannot hold POSIX ACLs")
                    && w.contains(": 2 files and directories that have one in " + cluster.pgdata()));
            Path copy = Path.of(backup.backupPath(), "data", "log", "shipped.log");
            assertThat(copy).hasSameTextualContentAs(log.resolve("shipped.log"));
            assertThat(host.verify(cluster, Path.of(backup.backupPath())).problems()).isEmpty();
            assertThat(backup.databaseRunning()).isTrue();
        } finally {
            LoopMount.unmount(dest);
        }
    }

    @Test
    void aPullOrABackupHostIsToldOfBeforeTheStop() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        withAcls(cluster);

        Path local = TestUser.newWorkDir("aclpull");
        BackupResult pulled = RealHostSupport.backup(host.request(cluster, local).dest(null).pullTo(local).build());
        assertThat(pulled.ok()).as(String.valueOf(pulled.errorMessage())).isTrue();
        assertWarnedBeforeTheStop(pulled, "a copy pulled to the client does not keep them");

        try (SshServer backupHost = SshServer.start(host.user, "127.0.0.2")) {
            SshServer.ClientAccess access = backupHost.accessFor(host.user);
            Path dest = TestUser.newWorkDir("aclhost");
            host.user.chownToUser(dest);
            BackupResult pushed = RealHostSupport.backup(host.request(cluster, dest).destHost(access.spec())
                    .destHostIdentity(access.identity().toString()).destHostKnownHosts(access.knownHosts().toString())
                    .build());
            assertThat(pushed.ok()).as(String.valueOf(pushed.errorMessage())).isTrue();
            assertWarnedBeforeTheStop(pushed, "a copy on the backup host does not keep them");
        }
    }

    /** The backup warned that its 2 entries with ACLs lose them ({@code how}), before PostgreSQL was stopped. */
    private static void assertWarnedBeforeTheStop(BackupResult backup, String how) throws Exception {
        String warning = "2 files and directories to back up carry POSIX ACLs";
        assertThat(backup.warnings()).anyMatch(w -> w.startsWith(warning) && w.contains(how));
        String log = Files.readString(Path.of(backup.backupPath(), "backup.log"));
        assertThat(log.indexOf("WARNING: " + warning)).as("the warning, in the log").isPositive()
                .isLessThan(log.indexOf("stopping PostgreSQL"));
    }

    /** PGDATA/log with an ACL and a default ACL, and log/shipped.log with an ACL; returns the directory. */
    private static Path withAcls(PgCluster cluster) throws Exception {
        Path log = cluster.pgdata().resolve("log");
        Files.createDirectories(log);
        Files.writeString(log.resolve("shipped.log"), "a line a log shipper reads\n");
        host.user.chownToUser(log);
        run("setfacl", "-m", "u:nobody:rx", log.toString());
        run("setfacl", "-d", "-m", "u:nobody:r", log.toString());
        run("setfacl", "-m", "u:nobody:r", log.resolve("shipped.log").toString());
        return log;
    }

    private static String acl(Path path) {
        return ProcessRunner.run(List.of("getfacl", "-p", path.toString()), TIMEOUT).orThrow().stdout();
    }

    private static void run(String... command) {
        ProcessRunner.run(List.of(command), TIMEOUT).orThrow();
    }
}
