package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions of the pre-flight, from inspection outputs that are awkward to produce for real. */
class PreflightTest {
    private static final String HEALTHY = String.join("\n", "hostname=db1", "ssh_uid=1000", "ssh_user=postgres",
            "missing_tools=", "pgdata_exists=true", "pgdata_is_dir=true", "pgdata_real=/srv/pg/data",
            "pgdata_owner_uid=1000", "pgdata_owner=postgres", "pgdata_readable=true", "pg_version=15",
            "pg_bin=/usr/lib/postgresql/15/bin", "pg_bin_missing=", "pg_ctl_version=pg_ctl (PostgreSQL) 15.18",
            "pidfile=true", "pidfile_pid=42", "port=5432", "socket_dir=/run/postgresql", "pidfile_status=ready",
            "postmaster_alive=true", "cluster_state=in production", "bytes=1000000", "files=900",
            "dest_exists=true", "dest_is_dir=true", "dest_real=/backup", "dest_writable=true",
            "dest_free=100000000000", "dest_device=2", "pgdata_device=1", "db_user=postgres", "sessions_known=true",
            "end=true");

    private static BackupRequest.Builder request() {
        return BackupRequest.builder().target(new SshTarget("db1", 22, "postgres"))
                .credentials(new SshCredentials.Password(new byte[] {1}))
                .hostKeyPolicy(new HostKeyPolicy.InsecureAcceptAny()).pgdata("/srv/pg/data").dest("/backup");
    }

    private static BackupPlan plan(BackupRequest.Builder request, String... changes) {
        String text = HEALTHY;
        for (String change : changes) {
            String key = change.substring(0, change.indexOf('='));
            text = text.replaceAll("(?m)^" + key + "=.*$", java.util.regex.Matcher.quoteReplacement(change));
            if (!text.contains(change)) {
                text = change + "\n" + text;
            }
        }
        return Preflight.evaluate(request.build(), ClusterInspection.parse(text));
    }

    private static List<ErrorCode> codes(BackupPlan plan) {
        return plan.problems().stream().map(Problem::code).toList();
    }

    @Test
    void healthyClusterGoesAhead() {
        BackupPlan plan = plan(request());
        assertThat(plan.ok()).isTrue();
        assertThat(plan.running()).isTrue();
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void rootWithoutServiceCommandsIsRefusedBecausePgCtlWillNotRunAsRoot() {
        assertThat(codes(plan(request(), "ssh_uid=0", "ssh_user=root"))).containsExactly(ErrorCode.OWNER_MISMATCH);
        assertThat(plan(request().serviceCommands("systemctl stop pg", "systemctl start pg"), "ssh_uid=0",
                "ssh_user=root").ok()).isTrue();
    }

    @Test
    void autoTakesTheSystemdUnitOfThePostmasterBeforeTheDebianClusterAndPgCtlLast() {
        String debian = "debian_cluster=15\u001fmain";
        String unit = "systemd_unit=postgresql@15-main.service\u001fcgroup";
        BackupPlan both = plan(request(), debian + "\n" + unit);
        assertThat(both.service().manager()).isEqualTo(ServiceManager.SYSTEMD);
        assertThat(both.service().unit()).isEqualTo("postgresql@15-main.service");
        assertThat(both.service().describe()).isEqualTo("systemd unit postgresql@15-main.service (found by "
                + "/proc/42/cgroup; its main process is the postmaster)");
        BackupPlan onlyDebian = plan(request(), debian);
        assertThat(onlyDebian.service().describe()).isEqualTo("pg_ctlcluster 15 main (found by pg_lsclusters)");
        assertThat(plan(request()).service().manager()).isEqualTo(ServiceManager.PG_CTL);
    }

    @Test
    void aUnitThatOnlyHoldsThePostmasterInItsCgroupIsNeverStopped() {
        BackupPlan plan = plan(request(), "systemd_unit_other=actions-runner.service\u001f7");
        assertThat(plan.ok()).isTrue();
        assertThat(plan.service().manager()).isEqualTo(ServiceManager.PG_CTL);
        assertThat(plan.service().describe()).contains("actions-runner.service", "left alone");
        BackupPlan insisted = plan(request().serviceManager(ServiceManager.SYSTEMD),
                "systemd_unit_other=actions-runner.service\u001f7");
        assertThat(codes(insisted)).containsExactly(ErrorCode.SERVICE_NOT_FOUND);
    }

    @Test
    void aNamedManagerTheHostLacksIsRefusedBeforeDowntime() {
        BackupPlan plan = plan(request().serviceManager(ServiceManager.PG_CTLCLUSTER), "pg_lsclusters=true");
        assertThat(codes(plan)).containsExactly(ErrorCode.SERVICE_NOT_FOUND);
        assertThat(plan.problems().get(0).message()).contains("pg_lsclusters lists no cluster whose data directory is"
                + " /srv/pg/data");
        assertThat(codes(plan(request().serviceManager(ServiceManager.SYSTEMD))))
                .containsExactly(ErrorCode.SERVICE_NOT_FOUND);
    }

    @Test
    void namesThatWouldReadAsOptionsAreNotPassedToTheManager() {
        assertThat(codes(plan(request(), "debian_cluster=15\u001f-main"))).containsExactly(ErrorCode.SERVICE_NOT_FOUND);
        assertThat(codes(plan(request(), "systemd_unit=--now.service\u001fstatus")))
                .containsExactly(ErrorCode.SERVICE_NOT_FOUND);
    }

    @Test
    void rootMayUseAServiceManagerThatIsNotPgCtl() {
        assertThat(plan(request(), "ssh_uid=0", "ssh_user=root", "debian_cluster=15\u001fmain").ok()).isTrue();
    }

    @Test
    void withSudoAMissingSystemctlRuleIsRefusedNamingTheLineToAdd() {
        BackupPlan plan = plan(request().sudo(true), "systemd_unit=postgresql@15-main.service\u001fstatus",
                "sudo_systemctl=stop\u001fsudo: a password is required\nsudo_systemctl=start\u001fok");
        assertThat(codes(plan)).containsExactly(ErrorCode.SUDO_NOT_ALLOWED);
        assertThat(plan.problems().get(0).message()).contains("'systemctl stop postgresql@15-main.service'",
                "sudo: a password is required", "postgres ALL=(root) NOPASSWD: /usr/bin/systemctl stop "
                + "postgresql@15-main.service, /usr/bin/systemctl start postgresql@15-main.service");
        assertThat(plan(request().sudo(true), "systemd_unit=postgresql@15-main.service\u001fstatus",
                "sudo_systemctl=stop\u001fok\nsudo_systemctl=start\u001fok").ok()).isTrue();
    }

    @Test
    void binariesOfAnotherMajorVersionAreRefused() {
        BackupPlan plan = plan(request(), "pg_ctl_version=pg_ctl (PostgreSQL) 16.4");
        assertThat(codes(plan)).containsExactly(ErrorCode.MISSING_BINARIES);
        assertThat(plan.problems().get(0).message()).contains("PostgreSQL 15", "16.4");
    }

    @Test
    void tablespacesAndAnExternalWalDirectoryAreCopiedAndCountedInTheSpaceNeeded() {
        BackupPlan plan = plan(request(), "linked_area=tablespaces/16400\u001fpg_tblspc/16400\u001f/srv/ts1\u001f/srv/ts1"
                + "\u001f5000000\u001f10\nlinked_area=wal\u001fpg_wal\u001f/srv/wal\u001f/srv/wal\u001f2000000\u001f3",
                "tablespace_name=16400\u001fbig_disk");
        assertThat(plan.ok()).as(plan.problems().toString()).isTrue();
        assertThat(plan.bytes()).isEqualTo(8_000_000);
        assertThat(plan.files()).isEqualTo(913);
        assertThat(plan.linkedAreas()).extracting(a -> a.describe())
                .containsExactly("tablespace 16400 (big_disk) at /srv/ts1", "the WAL directory /srv/wal");
    }

    @Test
    void aTablespaceThatLeadsNowhereOrIntoPgdataIsReportedBeforeAnyDowntime() {
        BackupPlan dangling = plan(request(),
                "linked_area=tablespaces/16400\u001fpg_tblspc/16400\u001f/srv/gone\u001f\u001f\u001f");
        assertThat(codes(dangling)).containsExactly(ErrorCode.UNSUPPORTED_LAYOUT);
        assertThat(dangling.problems().get(0).message()).contains("16400", "/srv/gone", "does not exist");
        BackupPlan inside = plan(request(), "linked_area=tablespaces/16401\u001fpg_tblspc/16401\u001f/srv/pg/data/ts"
                + "\u001f/srv/pg/data/ts\u001f100\u001f1");
        assertThat(codes(inside)).containsExactly(ErrorCode.UNSUPPORTED_LAYOUT);
        assertThat(inside.problems().get(0).message()).contains("inside PGDATA");
        BackupPlan wal = plan(request(), "linked_area=wal\u001fpg_wal\u001f/srv/wal\u001f\u001f\u001f");
        assertThat(wal.problems().get(0).message()).contains("WAL", "cannot start");
    }

    @Test
    void aBackupDirectoryInsideATablespaceIsRefused() {
        BackupPlan plan = plan(request(), "linked_area=tablespaces/16400\u001fpg_tblspc/16400\u001f/backup/ts\u001f"
                + "/backup\u001f100\u001f1");
        assertThat(codes(plan)).containsExactly(ErrorCode.DEST_INSIDE_PGDATA);
    }

    @Test
    void aClusterInTheMiddleOfStoppingIsBusy() {
        assertThat(codes(plan(request(), "pidfile_status=stopping"))).containsExactly(ErrorCode.CLUSTER_BUSY);
    }

    @Test
    void aStalePidFileOfACrashedServerIsNotACleanStop() {
        BackupPlan plan = plan(request(), "postmaster_alive=false");
        assertThat(codes(plan)).containsExactly(ErrorCode.NOT_CLEANLY_STOPPED);
        assertThat(plan.problems().get(0).message()).contains("stale");
    }

    @Test
    void spaceNeedsAMargin() {
        assertThat(Preflight.requiredBytes(1000)).isEqualTo(1000 + 64L * 1024 * 1024);
        assertThat(Preflight.requiredBytes(10_000_000_000L)).isEqualTo(10_500_000_000L);
        assertThat(codes(plan(request(), "dest_free=50000000"))).containsExactly(ErrorCode.NO_SPACE);
    }

    @Test
    void sessionsThatCannotBeListedAreAProblemUnlessProceeding() {
        assertThat(codes(plan(request(), "sessions_known=false", "sessions_error=role \"x\" does not exist")))
                .containsExactly(ErrorCode.SESSIONS_UNKNOWN);
        assertThat(plan(request().activeSessions(ActiveSessionPolicy.PROCEED), "sessions_known=false").ok()).isTrue();
    }

    @Test
    void aLiveRunnerInTheDestinationMeansAnotherBackupIsRunning() {
        assertThat(codes(plan(request(), "run=20261125T120000Z\u001ftrue\u001f1 phase copy")))
                .containsExactly(ErrorCode.BACKUP_IN_PROGRESS);
        BackupPlan earlier = plan(request(), "run=20261125T120000Z\u001ffalse\u001f1 end failed db=running");
        assertThat(earlier.ok()).isTrue();
        assertThat(earlier.warnings()).anyMatch(w -> w.contains("did not complete") && w.contains(".partial"));
    }

    @Test
    void sameFileSystemIsAWarning() {
        assertThat(plan(request(), "dest_device=1").warnings()).anyMatch(w -> w.contains("same file system"));
    }
}
