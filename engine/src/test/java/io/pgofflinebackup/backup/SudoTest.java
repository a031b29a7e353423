package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.testing.OpsUser;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.SudoRule;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --sudo}: an operations account that owns no cluster logs in and acts as the cluster owner
 * through one sudoers rule (written to /etc/sudoers.d by the test and removed after it); without
 * the rule the job is refused before anything is touched, naming the rule to add.
 */
class SudoTest {
    private static final TestUser USER = TestUser.get();
    private static OpsUser ops;
    private static SshServer sshd;

    @BeforeAll
    static void start() {
        ops = OpsUser.get();
        sshd = SshServer.start(USER, "127.0.0.1", Map.of(), List.of(ops));
    }

    @AfterAll
    static void stop() {
        sshd.close();
    }

    @Test
    void anOpsUserWithTheSudoersRuleBacksUpAndRestoresAsTheClusterOwner() throws Exception {
        try (PgCluster cluster = PgCluster.create(USER, PgCluster.Options.defaults().withPgbenchScale(0));
                SudoRule rule = SudoRule.install(SudoAccess.sudoersLine(ops.name(), USER.name()))) {
            cluster.query("CREATE TABLE t AS SELECT generate_series(1, 100) AS n");
            Path dest = dest();
            RealHostSupport.RecordingListener backupLog = new RealHostSupport.RecordingListener();

            BackupResult backup = new BackupJob(backupRequest(cluster, dest).sudo(true).build(), backupLog).run();

            assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
            assertThat(backupLog.lines).contains("--sudo: logged in as '" + ops.name() + "'; acting as the cluster "
                    + "owner '" + USER.name() + "' through sudo -n");
            assertThat(backupLog.lines).anyMatch(l -> l.startsWith("service: pg_ctl ("));
            // The runner worked as the owner: the backup is the owner's, and so says its manifest.
            assertThat(Files.getOwner(Path.of(backup.backupPath())).getName()).isEqualTo(USER.name());
            assertThat(Files.readString(Path.of(backup.manifestPath()))).contains("\"" + USER.name() + "\"");
            assertThat(cluster.isRunning()).isTrue();

            // attach: the run belongs to the owner; acting as the owner again finds it as it completed.
            BackupResult attached = BackupJob.forReattach(backupRequest(cluster, dest).build().connection(),
                    cluster.pgdata().toString(), new RealHostSupport.RecordingListener())
                    .reattach(dest.toString(), backup.backupId());
            assertThat(attached.ok()).as(String.valueOf(attached.errorMessage())).isTrue();
            assertThat(attached.backupPath()).isEqualTo(backup.backupPath());
            assertThat(attached.files()).isEqualTo(backup.files());
            assertThat(attached.bytes()).isEqualTo(backup.bytes());
            assertThat(attached.downtimeMillis()).isEqualTo(backup.downtimeMillis());

            cluster.query("DELETE FROM t WHERE n > 10");
            RestoreResult restore = new RestoreJob(RestoreRequest.builder().target(opsTarget())
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .backup(backup.backupPath()).pgdata(cluster.pgdata().toString())
                    .confirm(cluster.pgdata().toString()).stopTimeout(Duration.ofSeconds(30))
                    .startTimeout(Duration.ofSeconds(30)).sudo(true).build(),
                    new RealHostSupport.RecordingListener()).run();

            assertThat(restore.ok()).as(String.valueOf(restore.errorMessage())).isTrue();
            assertThat(cluster.query("SELECT count(*) FROM t")).isEqualTo("100");
            assertThat(Files.getOwner(cluster.pgdata()).getName()).isEqualTo(USER.name());

            // The restore's run directory is the owner's too: attach sees it only when acting as the owner.
            String runDir = Path.of(restore.logPath()).getParent().getFileName().toString();
            String restoreId = runDir.substring(runDir.lastIndexOf('-') + 1, runDir.length() - ".run".length());
            RestoreResult unreadable = RestoreJob.forReattach(connection(), false,
                    new RealHostSupport.RecordingListener()).reattach(cluster.pgdata().toString(), restoreId);
            assertThat(unreadable.errorCode()).as(unreadable.errorMessage()).isEqualTo(ErrorCode.BAD_INPUT);
            assertThat(unreadable.errorMessage()).isEqualTo("restore run " + restoreId + " of " + cluster.pgdata()
                    + " belongs to '" + USER.name() + "', and '" + ops.name() + "' cannot read it ("
                    + Path.of(restore.logPath()).getParent() + "): a restore started with --sudo acts as the cluster"
                    + " owner. Re-attach with --sudo, to act as that owner too");
            RestoreResult reattached = RestoreJob.forReattach(connection(), true,
                    new RealHostSupport.RecordingListener()).reattach(cluster.pgdata().toString(), restoreId);
            assertThat(reattached.ok()).as(String.valueOf(reattached.errorMessage())).isTrue();
            assertThat(reattached.movedAsideTo()).isEqualTo(restore.movedAsideTo());
            assertThat(reattached.restoredFrom()).isEqualTo(backup.backupPath());
        }
    }

    /**
     * A run started with --sudo keeps its directory as the cluster owner (0700). Re-attached without
     * sudo it would look like a run without state: attach says whose it is and how to act as them.
     */
    @Test
    void aRunOfTheOwnerIsNotTakenForNoneWhenReattachedWithoutSudo() throws Exception {
        Path dest = dest();
        String id = "20991231T235959Z";
        Path run = dest.resolve("." + id + ".run");
        Files.createDirectory(run);
        Files.writeString(run.resolve("params"), "id=" + id + "\ncopy_to=local\ndest=" + dest + "\n");
        Files.writeString(run.resolve("state"), "1 runner pid=1\n");
        USER.chownToUser(run);
        Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        BackupResult attached = BackupJob.forReattach(connection(), new RealHostSupport.RecordingListener())
                .reattach(dest.toString(), id);

        assertThat(attached.ok()).isFalse();
        assertThat(attached.errorCode()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(attached.errorMessage()).isEqualTo("run " + id + " in " + dest + " belongs to '" + USER.name()
                + "', and '" + ops.name() + "' cannot read it (" + run + "): a run started with --sudo acts as the"
                + " cluster owner. Re-attach with --sudo and the --pgdata of the cluster it backs up, to act as"
                + " that owner too");
        assertThat(run.resolve("state")).as("left as it was").isRegularFile();
    }

    @Test
    void withoutTheSudoersRuleTheJobIsRefusedBeforeDowntimeNamingTheRuleToAdd() throws Exception {
        // A rule for something else: sudo knows the user, but not for this.
        try (PgCluster cluster = PgCluster.create(USER, PgCluster.Options.defaults().withPgbenchScale(0));
                SudoRule other = SudoRule.install(ops.name() + " ALL=(" + USER.name() + ") NOPASSWD: /usr/bin/id")) {
            long pid = cluster.postmasterPid();
            Path dest = dest();

            BackupResult backup = new BackupJob(backupRequest(cluster, dest).sudo(true).build(),
                    new RealHostSupport.RecordingListener()).run();

            assertThat(backup.ok()).isFalse();
            assertThat(backup.errorCode()).isEqualTo(ErrorCode.SUDO_NOT_ALLOWED);
            assertThat(backup.exitCode()).isEqualTo(2);
            assertThat(backup.errorMessage()).contains(
                    "sudo does not let '" + ops.name() + "' run /bin/sh as '" + USER.name() + "'",
                    ops.name() + " ALL=(" + USER.name() + ") NOPASSWD: /bin/sh", "Nothing was changed");
            assertThat(cluster.postmasterPid()).isEqualTo(pid);
            assertThat(cluster.isRunning()).isTrue();
            assertThat(RealHostSupport.entries(dest)).isEmpty();
        }
    }

    @Test
    void withoutSudoTheOpsUserIsToldItIsNotTheOwner() throws Exception {
        try (PgCluster cluster = PgCluster.create(USER, PgCluster.Options.defaults().withPgbenchScale(0))) {
            long pid = cluster.postmasterPid();
            Path dest = dest();

            BackupResult backup = new BackupJob(backupRequest(cluster, dest).build(),
                    new RealHostSupport.RecordingListener()).run();

            assertThat(backup.errorCode()).isEqualTo(ErrorCode.OWNER_MISMATCH);
            assertThat(backup.exitCode()).isEqualTo(2);
            assertThat(cluster.postmasterPid()).isEqualTo(pid);
            assertThat(RealHostSupport.entries(dest)).isEmpty();
        }
    }

    private BackupRequest.Builder backupRequest(PgCluster cluster, Path dest) throws Exception {
        return BackupRequest.builder().target(opsTarget())
                .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                .pgdata(cluster.pgdata().toString()).dest(dest.toString())
                .stopTimeout(Duration.ofSeconds(30)).startTimeout(Duration.ofSeconds(30));
    }

    /**
     * A restore onto a target that did not exist, rolled back: no data directory is left to act as
     * the owner of, only the run's own directory, which is the owner's; attach --sudo acts as its owner.
     */
    @Test
    void aRestoreThatLeftNoDataDirectoryIsFollowedAsTheOwnerOfItsRun() throws Exception {
        Path parent = dest();
        Path pgdata = parent.resolve("data");
        String id = "20991231T235959Z";
        Path run = parent.resolve(".data.restore-" + id + ".run");
        Files.createDirectory(run);
        Files.writeString(run.resolve("params"), "was_running=false\nbackup=/nonexistent\n");
        Files.writeString(run.resolve("state"), "1 runner pid=1 mode=restore\n2 failed COPY_FAILED the copy failed\n"
                + "3 end failed db=stopped rolled_back=true\n");
        USER.chownToUser(run);
        USER.chownToUser(run.resolve("params"));
        USER.chownToUser(run.resolve("state"));
        Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        RestoreResult result;
        try (SudoRule rule = SudoRule.install(SudoAccess.sudoersLine(ops.name(), USER.name()))) {
            result = RestoreJob.forReattach(connection(), true, new RealHostSupport.RecordingListener())
                    .reattach(pgdata.toString(), id);
        }

        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.COPY_FAILED);
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.databaseRunning()).isFalse();
        assertThat(result.errorMessage()).startsWith("the copy failed. Rolled back: the original data directory is"
                + " back at " + pgdata);
        // follow.sh was written back, as the owner, to read the end, and removed again; the record stays.
        assertThat(RealHostSupport.entries(run)).containsExactlyInAnyOrder("params", "state");
    }

    private static ConnectionSettings connection() throws Exception {
        return BackupRequest.builder().target(opsTarget()).credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile())).pgdata("/").dest("/").build()
                .connection();
    }

    private static SshTarget opsTarget() {
        return new SshTarget(sshd.host(), sshd.port(), ops.name());
    }

    private static Path dest() {
        Path dir = TestUser.newWorkDir("dest");
        USER.chownToUser(dir);
        return dir;
    }
}
