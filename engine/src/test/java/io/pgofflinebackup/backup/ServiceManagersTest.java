package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.testing.DebianCluster;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service managers {@code --service auto} finds, end to end over a real sshd: a cluster made
 * and run by Debian's postgresql-common, and (through a fake, since CI has no systemd) a systemd
 * unit whose main process is the postmaster.
 */
class ServiceManagersTest {
    private final TestUser user = TestUser.get();

    @Test
    void aPgCtlclusterManagedClusterIsFoundByAutoBackedUpWithItsConfigurationAndRestored() throws Exception {
        try (DebianCluster cluster = DebianCluster.createAndStart(user);
                SshServer sshd = SshServer.start(user, "127.0.0.1", cluster.environment(), List.of())) {
            cluster.query("CREATE TABLE t AS SELECT generate_series(1, 100) AS n");
            Path dest = dest();
            RealHostSupport.RecordingListener backupLog = new RealHostSupport.RecordingListener();

            BackupResult backup = new BackupJob(BackupRequest.builder().target(target(sshd, user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .pgdata(cluster.pgdata().toString()).dest(dest.toString())
                    .serviceManager(ServiceManager.AUTO).build(), backupLog).run();

            assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
            assertThat(backupLog.lines).contains("service: pg_ctlcluster " + cluster.version() + " " + cluster.name()
                    + " (found by pg_lsclusters)");
            String runnerLog = Files.readString(Path.of(backup.backupPath(), "backup.log"));
            assertThat(runnerLog).contains("pg_ctlcluster -m fast " + cluster.version() + " " + cluster.name()
                    + " stop", "pg_ctlcluster " + cluster.version() + " " + cluster.name() + " start");
            // The configuration lives in the private conf root, outside PGDATA, and is in the backup.
            Path config = Path.of(backup.backupPath(), "config", cluster.configDirectory().toString());
            assertThat(config.resolve("postgresql.conf")).exists();
            assertThat(config.resolve("pg_hba.conf")).exists();
            assertThat(config.resolve("start.conf")).exists();
            assertThat(cluster.lsclusters()).contains(" online ");

            cluster.query("DELETE FROM t WHERE n > 10");
            RealHostSupport.RecordingListener restoreLog = new RealHostSupport.RecordingListener();
            RestoreResult restore = new RestoreJob(RestoreRequest.builder().target(target(sshd, user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .backup(backup.backupPath()).pgdata(cluster.pgdata().toString())
                    .confirm(cluster.pgdata().toString()).build(), restoreLog).run();

            assertThat(restore.ok()).as(String.valueOf(restore.errorMessage())).isTrue();
            assertThat(restoreLog.lines).contains("service: pg_ctlcluster " + cluster.version() + " "
                    + cluster.name() + " (found by pg_lsclusters)");
            assertThat(cluster.query("SELECT count(*) FROM t")).isEqualTo("100");
            // Started by pg_ctlcluster again: postgresql-common sees it online, with its external configuration.
            assertThat(cluster.lsclusters()).contains(" online ");
            assertThat(cluster.query("SHOW config_file"))
                    .isEqualTo(cluster.configDirectory().resolve("postgresql.conf").toString());
        }
    }

    @Test
    void systemdIsDrivenThroughARecordingFakeSystemctlBecauseCiHasNoSystemd() throws Exception {
        PgCluster cluster = PgCluster.create(user, PgCluster.Options.defaults().withPgbenchScale(0)
                .withStartWithOptions(false));
        Path bin = TestUser.newWorkDir("fakebin");
        Path record = bin.resolve("systemctl.calls");
        String unit = "postgresql@" + cluster.majorVersion() + "-pgob.service";
        writeFakeSystemctl(bin, record, unit, cluster);
        Map<String, String> env = Map.of("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        try (cluster; SshServer sshd = SshServer.start(user, "127.0.0.1", env, List.of())) {
            cluster.query("CREATE TABLE t AS SELECT generate_series(1, 100) AS n");
            long before = cluster.postmasterPid();
            RealHostSupport.RecordingListener backupLog = new RealHostSupport.RecordingListener();

            BackupResult backup = new BackupJob(BackupRequest.builder().target(target(sshd, user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .pgdata(cluster.pgdata().toString()).dest(dest().toString()).build(), backupLog).run();

            assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
            assertThat(backupLog.lines).contains("service: systemd unit " + unit + " (found by systemctl status "
                    + before + "; its main process is the postmaster)");
            long afterBackup = cluster.postmasterPid();
            // Exactly these commands, in this order: find the unit, confirm its main process, stop, start.
            assertThat(Files.readAllLines(record)).containsExactly(
                    "status --no-pager --lines=0 " + before,
                    "show --property=MainPID --value " + unit,
                    "stop " + unit,
                    "start " + unit);
            assertThat(afterBackup).isNotEqualTo(before);
            assertThat(cluster.isRunning()).isTrue();

            Files.writeString(record, "");
            cluster.query("DELETE FROM t WHERE n > 10");
            RestoreResult restore = new RestoreJob(RestoreRequest.builder().target(target(sshd, user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .backup(backup.backupPath()).pgdata(cluster.pgdata().toString())
                    .confirm(cluster.pgdata().toString()).serviceManager(ServiceManager.SYSTEMD).build(),
                    new RealHostSupport.RecordingListener()).run();

            assertThat(restore.ok()).as(String.valueOf(restore.errorMessage())).isTrue();
            assertThat(Files.readAllLines(record)).containsExactly(
                    "status --no-pager --lines=0 " + afterBackup,
                    "show --property=MainPID --value " + unit,
                    "stop " + unit,
                    "start " + unit);
            assertThat(cluster.query("SELECT count(*) FROM t")).isEqualTo("100");
        }
    }

    /**
     * A systemctl that records its arguments, says the unit holds the cluster's postmaster as its
     * main process, and really stops and starts the cluster with pg_ctl (so the runner's proofs of
     * stop and start are the real ones).
     */
    private void writeFakeSystemctl(Path bin, Path record, String unit, PgCluster cluster) throws Exception {
        String pgdata = cluster.pgdata().toString();
        String script = "#!/bin/sh\n"
                + "# Fake systemctl of ServiceManagersTest: records its arguments, answers for one unit.\n"
                + "printf '%s\\n' \"$*\" >> '" + record + "'\n"
                + "UNIT='" + unit + "'\n"
                + "pid=$(head -n 1 '" + pgdata + "/postmaster.pid' 2>/dev/null)\n"
                + "case $1 in\n"
                + "    status) [ \"$4\" = \"$pid\" ] || exit 4; echo \"* $UNIT - PostgreSQL (fake)\" ;;\n"
                + "    show) [ \"$4\" = \"$UNIT\" ] && echo \"${pid:-0}\" || echo 0 ;;\n"
                + "    stop) [ \"$2\" = \"$UNIT\" ] || exit 5; exec '" + cluster.binDir() + "/pg_ctl' stop -D '"
                + pgdata + "' -m fast -w ;;\n"
                + "    start) [ \"$2\" = \"$UNIT\" ] || exit 5; exec '" + cluster.binDir() + "/pg_ctl' start -D '"
                + pgdata + "' -w -l '" + cluster.directory().resolve("unit.log") + "' ;;\n"
                + "    *) exit 1 ;;\n"
                + "esac\n";
        Path fake = bin.resolve("systemctl");
        Files.writeString(fake, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(record, "");
        user.chownToUser(bin);
    }

    private Path dest() {
        Path dir = TestUser.newWorkDir("dest");
        user.chownToUser(dir);
        return dir;
    }

    private static SshTarget target(SshServer sshd, String login) {
        return new SshTarget(sshd.host(), sshd.port(), login);
    }

    static Duration timeout() {
        return Duration.ofSeconds(30);
    }
}
