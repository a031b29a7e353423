package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.runner.RunnerParams;
import java.util.List;

/**
 * The service manager a job stops and starts PostgreSQL with, and why: decided by the pre-flight
 * from what inspect.sh found, so that a wrong or missing manager fails before any downtime.
 *
 * @param version and cluster: the postgresql-common cluster, for {@link ServiceManager#PG_CTLCLUSTER}
 * @param unit the systemd unit, for {@link ServiceManager#SYSTEMD}
 * @param reason how it was found, for people
 */
public record ServiceChoice(ServiceManager manager, String version, String cluster, String unit, String reason) {
    private static final String SAFE_NAME = "[A-Za-z0-9_.@+][A-Za-z0-9_.@+-]*";
    private static final String SAFE_UNIT = "[A-Za-z0-9_.@:\\\\][A-Za-z0-9_.@:\\\\-]*\\.service";

    public static ServiceChoice pgCtl(String reason) {
        return new ServiceChoice(ServiceManager.PG_CTL, "", "", "", reason);
    }

    /**
     * Chooses the manager. {@code auto} takes, in this order: a systemd unit whose main process is the
     * postmaster (the way it runs now, and the only one that keeps systemd's view right: Debian's
     * pg_ctlcluster run as the owner stops a systemd-started cluster behind systemd's back and marks
     * its unit failed); a postgresql-common cluster whose data directory is PGDATA; pg_ctl. A manager
     * the user names must be found on the host, or it is a problem.
     */
    public static ServiceChoice choose(ServiceSettings service, ClusterInspection in, List<Problem> problems) {
        ServiceManager wanted = service.manager();
        if (service.customServiceCommands()) {
            return new ServiceChoice(ServiceManager.CUSTOM, "", "", "", "--stop-command and --start-command given");
        }
        List<String> debian = in.all("debian_cluster");
        String unitLine = in.get("systemd_unit");
        String unit = unitLine.isEmpty() ? "" : unitLine.split("\u001f", -1)[0];
        switch (wanted) {
            case PG_CTL:
                return pgCtl("--service pg_ctl");
            case SYSTEMD:
                if (unit.isEmpty()) {
                    problems.add(new Problem(ErrorCode.SERVICE_NOT_FOUND, "--service systemd, but " + (in
                            .postmasterAlive() ? "no systemd unit has the postmaster (pid " + in.postmasterPid()
                            + ") as its main process" + otherUnit(in) : "PostgreSQL is not running, so the unit "
                            + "that runs it cannot be found; start it with systemctl first")
                            + ". Choose --service pg_ctl, pg_ctlcluster or auto"));
                    return pgCtl("no systemd unit found");
                }
                return systemd(unit, unitLine, in, problems);
            case PG_CTLCLUSTER:
                if (debian.isEmpty()) {
                    problems.add(new Problem(ErrorCode.SERVICE_NOT_FOUND, "--service pg_ctlcluster, but "
                            + (in.flag("pg_lsclusters") ? "pg_lsclusters lists no cluster whose data directory is "
                            + in.pgdataRealPath() : "pg_lsclusters is not installed (Debian's postgresql-common)")
                            + ". Choose --service pg_ctl, systemd or auto"));
                    return pgCtl("no postgresql-common cluster found");
                }
                return debian(debian.get(0), problems);
            default:
                if (!unit.isEmpty()) {
                    return systemd(unit, unitLine, in, problems);
                }
                if (!debian.isEmpty()) {
                    return debian(debian.get(0), problems);
                }
                return pgCtl((in.flag("pg_lsclusters") ? "no pg_lsclusters cluster has this data directory"
                        : "no postgresql-common") + (in.postmasterAlive() ? ", and no systemd unit has the postmaster"
                        + " as its main process" + otherUnit(in) : ", and PostgreSQL is not running"));
        }
    }

    private static String otherUnit(ClusterInspection in) {
        String other = in.get("systemd_unit_other");
        if (other.isEmpty()) {
            return "";
        }
        String[] f = other.split("\u001f", -1);
        return " (it runs inside " + f[0] + ", whose main process is " + (f.length > 1 ? f[1] : "?")
                + ": that unit is not PostgreSQL's and is left alone)";
    }

    private static ServiceChoice systemd(String unit, String unitLine, ClusterInspection in, List<Problem> problems) {
        if (!unit.matches(SAFE_UNIT)) {
            problems.add(new Problem(ErrorCode.SERVICE_NOT_FOUND, "the systemd unit name '" + unit + "' is not one "
                    + "this tool passes to systemctl; choose --service pg_ctl or custom commands"));
        }
        String how = unitLine.endsWith("\u001fcgroup") ? "/proc/" + in.postmasterPid() + "/cgroup"
                : "systemctl status " + in.postmasterPid();
        return new ServiceChoice(ServiceManager.SYSTEMD, "", "", unit, "found by " + how + "; its main process is"
                + " the postmaster");
    }

    private static ServiceChoice debian(String line, List<Problem> problems) {
        String[] f = line.split("\u001f", -1);
        String version = f[0];
        String cluster = f.length > 1 ? f[1] : "";
        if (!version.matches(SAFE_NAME) || !cluster.matches(SAFE_NAME)) {
            problems.add(new Problem(ErrorCode.SERVICE_NOT_FOUND, "pg_lsclusters names the cluster '" + version + " "
                    + cluster + "', which this tool does not pass to pg_ctlcluster; choose --service pg_ctl"));
        }
        return new ServiceChoice(ServiceManager.PG_CTLCLUSTER, version, cluster, "", "found by pg_lsclusters");
    }

    /** Problems of this choice with --sudo: a sudoers rule for systemctl that the pre-flight found missing. */
    public void checkSudo(boolean sudo, ClusterInspection in, List<Problem> problems) {
        if (!sudo || manager != ServiceManager.SYSTEMD || in.sshUid() == 0) {
            return;
        }
        for (String answer : in.all("sudo_systemctl")) {
            String[] f = answer.split("\u001f", -1);
            if (f.length > 1 && !f[1].equals("ok")) {
                problems.add(new Problem(ErrorCode.SUDO_NOT_ALLOWED, "sudo does not let '" + in.sshUser()
                        + "' run 'systemctl " + f[0] + " " + unit + "' without a password (sudo said: " + f[1]
                        + "). Allow it with this sudoers line (visudo -f /etc/sudoers.d/pg-offline-backup): "
                        + in.sshUser() + " ALL=(root) NOPASSWD: /usr/bin/systemctl stop " + unit
                        + ", /usr/bin/systemctl start " + unit));
                return;
            }
        }
    }

    /** For people: "pg_ctlcluster 15 main (found by pg_lsclusters)". */
    public String describe() {
        switch (manager) {
            case PG_CTLCLUSTER:
                return "pg_ctlcluster " + version + " " + cluster + " (" + reason + ")";
            case SYSTEMD:
                return "systemd unit " + unit + " (" + reason + ")";
            case CUSTOM:
                return "custom commands (" + reason + ")";
            default:
                return "pg_ctl (" + reason + ")";
        }
    }

    /** The params critical.sh reads to stop and start (see stop_cluster and start_cluster there). */
    public RunnerParams addTo(RunnerParams params, boolean sudo) {
        return params.put("service", manager.word())
                .put("service_version", version)
                .put("service_cluster", cluster)
                .put("service_unit", unit)
                .put("sudo", sudo);
    }
}
