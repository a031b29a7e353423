package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.postgres.ActiveSession;
import io.pgofflinebackup.postgres.CloneProbe;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.postgres.ConfigLocation;
import io.pgofflinebackup.postgres.LinkedArea;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides, from an inspection made while PostgreSQL runs, whether a backup may go ahead. Every
 * check that can fail before the downtime fails here, with a message that says what to do.
 */
public final class Preflight {
    /** Free space kept beyond the copy: 5 % of it, at least 64 MiB, for the manifest and the file system. */
    static final long MIN_MARGIN = 64L * 1024 * 1024;

    private Preflight() {
    }

    public static long requiredBytes(long bytes) {
        return bytes + Math.max(bytes / 20, MIN_MARGIN);
    }

    public static BackupPlan evaluate(BackupRequest request, ClusterInspection in) {
        List<Problem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ServiceChoice service = ServiceChoice.choose(request.service(), in, problems);
        checkCluster(request, service, in, problems);
        service.checkSudo(request.sudo(), in, problems);
        serviceWarnings(request.service(), service, warnings);
        if (request.destination() instanceof Destination.PulledTo pulled) {
            checkPulledDestination(pulled, in, problems);
        } else if (!request.toBackupHost()) {
            // A backup host's directory is checked from the database host by BackupHostPreflight.
            checkDestination(request.dest(), in, problems, warnings);
        }
        checkSessions(request.activeSessions(), in, problems, warnings);
        for (PreviousRun run : in.previousRuns()) {
            if (run.runnerAlive()) {
                problems.add(new Problem(ErrorCode.BACKUP_IN_PROGRESS, "another backup run (" + run.id()
                        + ") is still working in " + in.destRealPath() + ": " + run.lastEventText()
                        + ". Wait for it to end"));
            } else if (!run.endedOk()) {
                warnings.add("an earlier run " + run.id() + " did not complete (" + run.lastEventText()
                        + "); its incomplete copy " + in.destRealPath() + "/." + run.id() + ".partial is never used"
                        + " as a backup and can be deleted once you no longer need it for diagnosis");
            }
        }
        String method = copyMethod(request, in, problems, warnings);
        return new BackupPlan(in.hostname(), in.sshUser(), in.pgdataRealPath(), in.pgVersion().orElse(""),
                in.pgBin(), in.postmasterAlive(), in.clusterState(), in.postmasterPid(), in.port(),
                in.socketDirectory(), in.systemIdentifier(), totalBytes(in), totalFiles(in),
                in.destRealPath(), in.destFreeBytes(), requiredBytes(totalBytes(in)), in.get("db_user"),
                in.sessionsKnown(), in.sessions(),
                in.previousRuns(), List.copyOf(warnings), List.copyOf(problems), in.linkedAreas(),
                in.configFiles(), service, method);
    }

    /**
     * How the files will be taken, from what the host showed: a snapshot where every directory of a
     * running cluster can be cloned copy-on-write (--snapshot auto or reflink); --snapshot reflink
     * where one cannot is refused now, before any downtime.
     */
    static String copyMethod(BackupRequest request, ClusterInspection in, List<Problem> problems,
            List<String> warnings) {
        String copy = request.precopy() && in.postmasterAlive()
                ? "precopy (a copy while PostgreSQL runs, then after the stop a copy of what changed since)"
                : "copy while PostgreSQL is stopped";
        if (request.snapshot() == SnapshotMode.NONE || !in.postmasterAlive()) {
            return copy;
        }
        List<CloneProbe> probes = in.cloneProbes();
        List<CloneProbe> impossible = probes.stream().filter(p -> !p.possible()).toList();
        if (probes.isEmpty() || !impossible.isEmpty()) {
            String why = impossible.stream().map(p -> p.area() + ": " + p.reason()).collect(Collectors.joining("; "));
            if (request.snapshot() == SnapshotMode.REFLINK) {
                problems.add(new Problem(ErrorCode.SNAPSHOT_UNSUPPORTED, "--snapshot reflink, but no copy-on-write"
                        + " clone can be made here (" + (why.isEmpty() ? "not probed" : why) + "); use --snapshot"
                        + " auto to copy while PostgreSQL is stopped instead"));
            }
            return copy + (why.isEmpty() ? "" : " (no copy-on-write clone: " + why + ")");
        }
        long free = probes.stream().mapToLong(CloneProbe::freeBytes).filter(b -> b >= 0).min().orElse(-1);
        long size = totalBytes(in);
        warnings.add("snapshot: the staging clone beside PGDATA shares its blocks at first and grows as PostgreSQL"
                + " rewrites them while the clone is copied to the destination, by at most " + Bytes.human(size)
                + (free < 0 ? "" : "; " + Bytes.human(free) + " are free there")
                + (free >= 0 && free < requiredBytes(size) ? ", LESS than the cluster's size: a write-heavy load during"
                        + " the copy could fill the file system PostgreSQL writes to; consider --snapshot none" : ""));
        return "snapshot (stop, copy-on-write clone, start; the clone is copied with PostgreSQL serving)";
    }

    /** What the chosen manager does differently from what was asked. */
    public static void serviceWarnings(ServiceSettings settings, ServiceChoice service, List<String> warnings) {
        if (service.manager() == ServiceManager.SYSTEMD && settings.stopMode() != StopMode.FAST) {
            warnings.add("--stop-mode " + settings.stopMode().pgCtlName() + " is not passed on: systemctl stop "
                    + service.unit() + " stops PostgreSQL the way the unit's ExecStop says");
        }
    }

    private static void checkCluster(BackupRequest request, ServiceChoice service, ClusterInspection in,
            List<Problem> problems) {
        checkTools(in, problems);
        String pgdata = request.pgdata();
        if (!in.pgdataExists()) {
            problems.add(new Problem(ErrorCode.PGDATA_NOT_FOUND, "PGDATA " + pgdata + " does not exist on "
                    + in.hostname() + "; check --pgdata"));
            return;
        }
        if (!in.pgdataIsDirectory()) {
            problems.add(new Problem(ErrorCode.NOT_A_CLUSTER, pgdata + " is not a directory; --pgdata must be "
                    + "the data directory of the cluster"));
            return;
        }
        boolean root = in.sshUid() == 0;
        if (in.sshUid() != in.pgdataOwnerUid() && !root) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "PGDATA " + pgdata + " belongs to '" + in.pgdataOwner()
                    + "' but we are logged in as '" + in.sshUser() + "', who cannot stop, start or read that "
                    + "cluster; connect as '" + in.pgdataOwner() + "'"));
            return;
        }
        if (root && service.manager() == ServiceManager.PG_CTL) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "logged in as root, but PostgreSQL's pg_ctl refuses to"
                    + " run as root; connect as the cluster owner '" + in.pgdataOwner() + "' (or give --sudo to act as"
                    + " it), or give --stop-command and --start-command"));
            return;
        }
        if (!in.pgdataReadable()) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "cannot read PGDATA " + pgdata + " as '"
                    + in.sshUser() + "'"));
            return;
        }
        if (in.pgVersion().isEmpty()) {
            problems.add(new Problem(ErrorCode.NOT_A_CLUSTER, pgdata + " is not a PostgreSQL data directory (it has"
                    + " no PG_VERSION file); check --pgdata"));
            return;
        }
        String version = in.pgVersion().get();
        if (!checkBinaries(in, version, problems)) {
            return;
        }
        if (in.clusterState().isEmpty()) {
            problems.add(new Problem(ErrorCode.NOT_A_CLUSTER, "pg_controldata cannot read " + pgdata + ": "
                    + in.controlDataError()));
            return;
        }
        checkState(in, problems);
        if (in.postmasterAlive() && !in.get("config_error").isEmpty()) {
            problems.add(new Problem(ErrorCode.CONFIG_INVALID, "the configuration on disk has an error that the running"
                    + " server has not read yet, so PostgreSQL would not start again after the backup: "
                    + in.get("config_error").strip() + ". Fix the file (postgres -C config_file -D " + pgdata
                    + " shows the error), then run the backup again"));
        }
        checkLinkedAreas(in, problems);
        checkConfig(in, problems);
        if (!in.newlineName().isEmpty()) {
            problems.add(new Problem(ErrorCode.UNSUPPORTED_LAYOUT, "PGDATA or a directory it links to holds a file"
                    + " whose name contains a line break (" + in.newlineName().replace("\n", "\\n") + "); PostgreSQL"
                    + " never creates one: look for a foreign file there"));
        }
        if (!in.unreadablePath().isEmpty()) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "cannot read " + in.unreadablePath() + " as '"
                    + in.sshUser() + "'; every file in PGDATA, its tablespaces and WAL directory must be readable"
                    + " by the cluster owner"));
        }
    }

    /**
     * Tablespaces and an external WAL directory are copied beside data/; one that leads nowhere or
     * back into PGDATA cannot be, and is reported now rather than found missing after a restore.
     */
    private static void checkLinkedAreas(ClusterInspection in, List<Problem> problems) {
        String data = in.pgdataRealPath();
        for (LinkedArea area : in.linkedAreas()) {
            String what = area.describe() + " (" + area.link() + " in PGDATA)";
            if (area.dangling()) {
                problems.add(new Problem(ErrorCode.UNSUPPORTED_LAYOUT, what + " leads nowhere: " + area.location()
                        + " does not exist, so " + (area.isTablespace() ? "the tablespace's files are missing and "
                        + "its tables cannot be read" : "the cluster has no WAL and cannot start") + ". Put the "
                        + "directory back (or fix the link) before backing up"));
            } else if (data.equals(area.realPath()) || area.realPath().startsWith(data + "/")) {
                problems.add(new Problem(ErrorCode.UNSUPPORTED_LAYOUT, what + " is inside PGDATA (" + area.realPath()
                        + "), which PostgreSQL warns against: it would be copied twice and could not be restored as"
                        + " a directory of its own. Move it out of PGDATA (ALTER TABLESPACE ... SET TABLESPACE, or "
                        + "move the directory while the server is stopped and fix the link)"));
            } else if (area.bytes() < 0) {
                problems.add(new Problem(ErrorCode.UNSUPPORTED_LAYOUT, what + " leads to " + area.realPath()
                        + ", which is not a directory we can read"));
            }
        }
    }

    /** Configuration outside PGDATA is copied too; one the cluster owner cannot read would be missed. */
    private static void checkConfig(ClusterInspection in, List<Problem> problems) {
        for (ConfigLocation config : in.configFiles()) {
            if (!config.readable()) {
                problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "cannot read the configuration " + config.type()
                        + " " + config.path() + " (" + config.setting() + ") as '" + in.sshUser() + "'; it lives "
                        + "outside PGDATA and is backed up with it, so it must be readable by the cluster owner"));
            }
        }
    }

    /** Bytes of everything a backup copies: PGDATA, the directories it links to, configuration outside it. */
    static long totalBytes(ClusterInspection in) {
        long total = Math.max(in.bytes(), 0);
        for (LinkedArea area : in.linkedAreas()) {
            total += Math.max(area.bytes(), 0);
        }
        for (ConfigLocation config : in.configFiles()) {
            total += config.bytes();
        }
        return total;
    }

    static long totalFiles(ClusterInspection in) {
        long total = Math.max(in.files(), 0);
        for (LinkedArea area : in.linkedAreas()) {
            total += Math.max(area.files(), 0);
        }
        return total + in.configFiles().stream().filter(c -> c.type().equals("file")).count();
    }

    /** The binaries exist and are of the given major version; false (with a problem) if not. */
    public static boolean checkBinaries(ClusterInspection in, String version, List<Problem> problems) {
        return checkBinaries(in, version, "the cluster", ErrorCode.MISSING_BINARIES, problems);
    }

    /**
     * @param whose what has that version, for the message ("the cluster", "the backup")
     * @param mismatch the code for binaries of another major version
     */
    public static boolean checkBinaries(ClusterInspection in, String version, String whose, ErrorCode mismatch,
            List<Problem> problems) {
        if (!in.missingBinaries().isEmpty()) {
            String where = in.pgBin().isEmpty() ? "the usual places for PostgreSQL " + version
                    + " (/usr/lib/postgresql/" + version + "/bin, /usr/pgsql-" + version + "/bin) or the PATH"
                    : in.pgBin();
            problems.add(new Problem(ErrorCode.MISSING_BINARIES, "PostgreSQL programs " + in.missingBinaries()
                    + " not found in " + where + "; give --pg-bin with the directory of the version " + version
                    + " binaries"));
            return false;
        }
        String binVersion = in.pgCtlVersion().replaceAll("^[^0-9]*([0-9]+).*$", "$1");
        if (!binVersion.equals(version)) {
            problems.add(new Problem(mismatch, whose + " is PostgreSQL " + version + " but " + in.pgBin()
                    + "/pg_ctl is '" + in.pgCtlVersion() + "'; give --pg-bin with the version " + version
                    + " binaries"));
            return false;
        }
        return true;
    }

    /** The host has the commands the remote scripts use. */
    public static void checkTools(ClusterInspection in, List<Problem> problems) {
        if (!in.missingTools().isEmpty()) {
            problems.add(new Problem(ErrorCode.MISSING_TOOLS, "the host lacks these commands: " + in.missingTools()
                    + " (GNU coreutils, findutils, tar, procps and util-linux provide them)"));
        }
    }

    private static void checkState(ClusterInspection in, List<Problem> problems) {
        String state = in.clusterState();
        if (in.postmasterAlive()) {
            String status = in.pidFileStatus();
            if (status.startsWith("stopping") || status.startsWith("starting")) {
                problems.add(new Problem(ErrorCode.CLUSTER_BUSY, "PostgreSQL is " + status + " right now; run the "
                        + "backup again once it has finished"));
            }
            return;
        }
        if (!state.equals("shut down") && !state.equals("shut down in recovery")) {
            problems.add(new Problem(ErrorCode.NOT_CLEANLY_STOPPED, "PostgreSQL is not running, but its cluster state"
                    + " is '" + state + "': it crashed or was stopped in immediate mode, so its files are not "
                    + "consistent and a copy would not be a backup. Start it (it recovers from its WAL), then run "
                    + "the backup again: it will be stopped cleanly"
                    + (in.pidFilePresent() ? " (the postmaster.pid left behind is stale)" : "")));
        }
    }

    /**
     * --pull-to: the local directory must exist (a missing mount point must not silently fill
     * another disk), be writable, and have room for the cluster plus a margin. On the database host
     * only the run directory is written (scripts, state, log), which needs no room to speak of.
     */
    private static void checkPulledDestination(Destination.PulledTo pulled, ClusterInspection in,
            List<Problem> problems) {
        java.nio.file.Path dir = pulled.localDir();
        if (!java.nio.file.Files.isDirectory(dir)) {
            problems.add(new Problem(ErrorCode.DEST_NOT_USABLE, "the --pull-to directory " + dir + " does not exist on"
                    + " this machine: create it first (a missing mount point must not silently fill another file system)"));
            return;
        }
        if (!java.nio.file.Files.isWritable(dir)) {
            problems.add(new Problem(ErrorCode.DEST_NOT_USABLE, "the --pull-to directory " + dir
                    + " is not writable by this process"));
            return;
        }
        long bytes = totalBytes(in);
        long free = dir.toFile().getUsableSpace();
        if (in.bytes() >= 0 && free < requiredBytes(bytes)) {
            problems.add(new Problem(ErrorCode.NO_SPACE, "not enough space in " + dir + " on this machine: the copy"
                    + " needs " + Bytes.human(bytes) + " plus a margin (" + Bytes.human(requiredBytes(bytes))
                    + " in all), but only " + Bytes.human(free) + " are free"));
        }
    }

    private static void checkDestination(String dest0, ClusterInspection in, List<Problem> problems,
            List<String> warnings) {
        if (!in.destExists()) {
            problems.add(new Problem(ErrorCode.DEST_NOT_USABLE, "the backup directory " + dest0 + " does not exist on "
                    + in.hostname() + ": create it first (a missing mount point must not silently fill another "
                    + "file system)"));
            return;
        }
        if (!in.destIsDirectory()) {
            problems.add(new Problem(ErrorCode.DEST_NOT_USABLE, "the backup destination " + dest0
                    + " is not a directory"));
            return;
        }
        if (!in.destWritable()) {
            problems.add(new Problem(ErrorCode.DEST_NOT_USABLE, "the backup directory " + in.destRealPath()
                    + " is not writable by '" + in.sshUser() + "'"));
            return;
        }
        String data = in.pgdataRealPath();
        String dest = in.destRealPath();
        if (!data.isEmpty() && (dest.equals(data) || dest.startsWith(data + "/"))) {
            problems.add(new Problem(ErrorCode.DEST_INSIDE_PGDATA, "the backup directory " + dest
                    + " is inside PGDATA " + data + " (after resolving links); choose one outside it"));
            return;
        }
        for (LinkedArea area : in.linkedAreas()) {
            String real = area.realPath();
            if (!real.isEmpty() && (dest.equals(real) || dest.startsWith(real + "/"))) {
                problems.add(new Problem(ErrorCode.DEST_INSIDE_PGDATA, "the backup directory " + dest + " is inside "
                        + area.describe() + " (" + real + "), which is copied too; choose one outside it"));
                return;
            }
        }
        long bytes = totalBytes(in);
        if (in.bytes() >= 0 && in.destFreeBytes() >= 0 && in.destFreeBytes() < requiredBytes(bytes)) {
            problems.add(new Problem(ErrorCode.NO_SPACE, "not enough space in " + dest + ": the copy needs "
                    + Bytes.human(bytes) + " plus a margin (" + Bytes.human(requiredBytes(bytes)) + " in all), "
                    + "but only " + Bytes.human(in.destFreeBytes()) + " are free"));
        }
        if (in.destOnSameFileSystem()) {
            warnings.add("the backup directory is on the same file system as PGDATA: this copy does not survive the"
                    + " loss of that disk or of the host");
        }
    }

    /** Connected clients against the policy; a restore applies the same rule as a backup. */
    public static void checkSessions(ActiveSessionPolicy policy, ClusterInspection in, List<Problem> problems,
            List<String> warnings) {
        if (!in.postmasterAlive()) {
            return;
        }
        if (!in.sessionsKnown()) {
            if (policy.kind() != ActiveSessionPolicy.Kind.PROCEED) {
                problems.add(new Problem(ErrorCode.SESSIONS_UNKNOWN, "cannot list the client sessions (" +
                        in.sessionsError() + "); give --db-user with a role that may connect through the local "
                        + "socket, or --active-sessions proceed to stop regardless of sessions"));
            }
            return;
        }
        List<ActiveSession> sessions = in.sessions();
        if (sessions.isEmpty()) {
            return;
        }
        String list = sessions.stream().map(ActiveSession::describe).collect(Collectors.joining("; "));
        switch (policy.kind()) {
            case REFUSE:
                problems.add(new Problem(ErrorCode.ACTIVE_SESSIONS, sessions.size() + " client session(s) connected: "
                        + list + ". Stopping would disconnect them; wait for them to end, or use --active-sessions "
                        + "wait:DURATION, or --active-sessions proceed"));
                break;
            case WAIT:
                problems.add(new Problem(ErrorCode.ACTIVE_SESSIONS, sessions.size() + " client session(s) still "
                        + "connected after waiting " + policy + ": " + list));
                break;
            default:
                warnings.add(sessions.size() + " client session(s) connected will be disconnected by the stop: "
                        + list);
        }
    }
}
