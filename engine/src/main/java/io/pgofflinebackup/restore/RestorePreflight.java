package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.Preflight;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.backup.ServiceChoice;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.util.Bytes;
import io.pgofflinebackup.verify.VerifyReport;
import io.pgofflinebackup.postgres.TargetPath;
import io.pgofflinebackup.verify.BackupArea;
import io.pgofflinebackup.verify.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a restore checks while the live cluster still runs: the backup verified against its
 * manifest, binaries of the backup's major version, room for the restored copy beside the
 * original (which is kept), the target directory and its owner, connected sessions.
 */
final class RestorePreflight {
    private RestorePreflight() {
    }

    static RestorePlan evaluate(RestoreRequest request, VerifyReport backup, ClusterInspection in) {
        List<Problem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        checkBackup(backup, problems);
        Preflight.checkTools(in, problems);
        boolean exists = in.pgdataExists();
        if (!in.destExists() || !in.destIsDirectory()) {
            problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "the parent directory of " + request.pgdata()
                    + " does not exist on " + in.hostname()));
        } else if (!in.destWritable()) {
            problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "the parent directory of " + request.pgdata()
                    + " is not writable by '" + in.sshUser() + "': the current data directory is moved aside there,"
                    + " never deleted"));
        }
        ServiceChoice service = ServiceChoice.choose(request.service(), in, problems);
        service.checkSudo(request.service().sudo(), in, problems);
        Preflight.serviceWarnings(request.service(), service, warnings);
        boolean root = in.sshUid() == 0;
        if (root && service.manager() == ServiceManager.PG_CTL) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "logged in as root, but pg_ctl refuses to run as root;"
                    + " connect as the cluster owner (or give --sudo to act as it), or give --stop-command and "
                    + "--start-command"));
        }
        if (exists) {
            checkTarget(request, in, root, problems);
        }
        if (!backup.majorVersion().isEmpty()) {
            Preflight.checkBinaries(in, backup.majorVersion(), "the backup", ErrorCode.VERSION_MISMATCH, problems);
        }
        List<RestoreArea> areas = placements(request, backup, problems);
        checkAreas(request, areas, in, problems);
        boolean restoreConfig = checkConfig(request, backup, in, problems, warnings);
        checkSpace(request, backup, areas, in, problems);
        Preflight.checkSessions(request.service().activeSessions(), in, problems, warnings);
        for (PreviousRun run : in.previousRuns()) {
            if (run.runnerAlive()) {
                problems.add(new Problem(ErrorCode.BACKUP_IN_PROGRESS, "another run (" + run.id() + ") is still "
                        + "working beside " + request.pgdata() + ": " + run.lastEventText()));
            }
        }
        return new RestorePlan(in.hostname(), backup, exists, in.postmasterAlive(), in.pgBin(), in.get("db_user"),
                in.sessionsKnown(), in.pgdataOwnerUid(), in.sshUid(), List.copyOf(warnings), List.copyOf(problems),
                List.copyOf(areas), restoreConfig, service);
    }

    /** The paths the restore would write to besides PGDATA, for the inspection to look at. */
    static List<String> targetPaths(RestoreRequest request, VerifyReport backup) {
        List<String> paths = new ArrayList<>(placements(request, backup, new ArrayList<>()).stream()
                .map(RestoreArea::target).toList());
        if (!request.keepConfig()) {
            backup.configFiles().stream().map(ConfigFile::original).filter(RestorePreflight::usablePath)
                    .forEach(paths::add);
        }
        return paths;
    }

    /**
     * Whether the configuration files the backup holds from outside PGDATA are put back, and whether
     * they can be. They are only put back onto the data directory they served: restored beside it
     * (a clone), they would replace the configuration of the cluster that still uses them.
     */
    private static boolean checkConfig(RestoreRequest request, VerifyReport backup, ClusterInspection in,
            List<Problem> problems, List<String> warnings) {
        if (backup.configFiles().isEmpty()) {
            return false;
        }
        String where = request.backup() + "/config";
        if (request.keepConfig()) {
            warnings.add("--keep-config: the configuration files outside PGDATA stay as they are on the host; the "
                    + "backup's copies are in " + where);
            return false;
        }
        String original = normalize(backup.pgdata());
        if (!original.equals(normalize(request.pgdata())) && !original.equals(in.pgdataRealPath())) {
            warnings.add("the configuration files outside PGDATA are not put back: they served " + backup.pgdata()
                    + ", not " + request.pgdata() + ", and may still serve it. The backup's copies are in " + where);
            return false;
        }
        for (ConfigFile file : backup.configFiles()) {
            if (!usablePath(file.original())) {
                problems.add(new Problem(ErrorCode.BACKUP_INVALID, "the backup records a configuration file at '"
                        + file.original() + "', which is not an absolute path on one line; give --keep-config"));
                return false;
            }
        }
        Map<String, TargetPath> found = in.targets();
        List<String> directories = backup.configFiles().stream().filter(ConfigFile::directory)
                .map(ConfigFile::original).toList();
        for (ConfigFile file : backup.configFiles()) {
            TargetPath t = found.get(file.original());
            if (t == null) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "could not inspect " + file.original()));
            } else if (t.exists() && t.directory() != file.directory()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "the configuration " + file.type() + " "
                        + file.original() + " (" + file.setting() + ") cannot be put back: a "
                        + (t.directory() ? "directory" : "file") + " is in its place. Move it away, or give"
                        + " --keep-config"));
            } else if (!t.exists() && !t.parentWritable() && !directories.contains(parentOf(file.original()))
                    || t.exists() && !t.parentWritable() && !file.directory()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "the configuration " + file.type() + " "
                        + file.original() + " (" + file.setting() + ") cannot be put back: its directory does not "
                        + "exist or is not writable by '" + in.sshUser() + "' (what is there is moved aside, never "
                        + "deleted). Give --keep-config to leave the configuration as it is"));
            }
        }
        return true;
    }

    /**
     * Where each tablespace and the WAL directory go: where --tablespace-map (by oid, or by name)
     * or --wal-dir says, else their original location. A map entry that names nothing in the backup
     * is a mistake worth stopping for: the user expects a tablespace to go somewhere it would not.
     */
    static List<RestoreArea> placements(RestoreRequest request, VerifyReport backup, List<Problem> problems) {
        Map<String, String> unused = new LinkedHashMap<>(request.tablespaceMap());
        List<RestoreArea> areas = new ArrayList<>();
        for (BackupArea area : backup.areas()) {
            String target = area.location();
            if (area.isTablespace()) {
                String byOid = unused.remove(area.oid());
                String byName = area.name().isEmpty() ? null : unused.remove(area.name());
                if (byOid != null && byName != null && !byOid.equals(byName)) {
                    problems.add(new Problem(ErrorCode.BAD_INPUT, "--tablespace-map sends " + area.describe()
                            + " to two places (" + byOid + " by oid, " + byName + " by name); give one"));
                }
                target = byOid != null ? byOid : byName != null ? byName : target;
            } else if (request.walDir() != null) {
                target = request.walDir();
            }
            if (!usablePath(target)) {
                // Only a damaged or foreign manifest records such a location; it never reaches a command line.
                problems.add(new Problem(ErrorCode.BACKUP_INVALID, "the backup records " + area.describe() + " at '"
                        + target + "', which is not an absolute path on one line; give " + (area.isTablespace()
                        ? "--tablespace-map " + area.oid() : "--wal-dir") + "=PATH"));
                continue;
            }
            areas.add(new RestoreArea(area, normalize(target)));
        }
        for (String key : unused.keySet()) {
            String known = backup.areas().stream().filter(BackupArea::isTablespace)
                    .map(a -> a.oid() + (a.name().isEmpty() ? "" : " (" + a.name() + ")"))
                    .collect(Collectors.joining(", "));
            problems.add(new Problem(ErrorCode.BAD_INPUT, "--tablespace-map " + key + ": the backup has no tablespace"
                    + " with that oid or name; it has " + (known.isEmpty() ? "none" : known)
                    + (backup.areas().stream().anyMatch(a -> a.isTablespace() && a.name().isEmpty())
                            ? " (names are known only for backups of a running cluster: use the oid)" : "")));
        }
        if (request.walDir() != null && backup.areas().stream().allMatch(BackupArea::isTablespace)) {
            problems.add(new Problem(ErrorCode.BAD_INPUT, "--wal-dir: the backup's WAL was inside its data directory"
                    + " (pg_wal was not a link), so it is restored there; leave out --wal-dir"));
        }
        return areas;
    }

    /**
     * Each tablespace or WAL directory target: a directory (or nothing) in a writable parent, not a
     * link or mount point (neither can be moved aside), apart from PGDATA, the backup and the other
     * targets, and not in use by another running cluster (moving it aside would pull it from under
     * that cluster).
     */
    private static void checkAreas(RestoreRequest request, List<RestoreArea> areas, ClusterInspection in,
            List<Problem> problems) {
        Map<String, TargetPath> found = in.targets();
        String pgdata = in.pgdataRealPath().isEmpty() ? normalize(request.pgdata()) : in.pgdataRealPath();
        String backupDir = normalize(request.backup());
        List<String> seen = new ArrayList<>();
        for (RestoreArea area : areas) {
            String what = area.describe();
            TargetPath t = found.get(area.target());
            if (t == null) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "could not inspect " + area.target() + " for "
                        + what));
                continue;
            }
            String place = t.resolved();
            if (t.link()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, area.target() + " is a symbolic link (to "
                        + t.realPath() + "), which the restore cannot move aside for " + what + "; restore it into"
                        + " the real directory with " + option(area) + "=" + t.realPath()));
            } else if (t.exists() && !t.directory()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, area.target() + " exists and is not a directory;"
                        + " " + what + " cannot go there"));
            } else if (t.mountPoint()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, area.target() + " is a mount point, which the "
                        + "restore cannot move aside for " + what + "; restore it into a directory inside it with "
                        + option(area) + "=" + area.target() + "/<dir>"));
            } else if (!t.parentWritable()) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, "the parent directory of " + area.target()
                        + " does not exist or is not writable by '" + in.sshUser() + "': " + what + " is created "
                        + "there, and what is there now is moved aside, never deleted"));
            }
            if (within(place, pgdata) || within(pgdata, place)) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, what + " and the data directory "
                        + request.pgdata() + " would contain one another; choose another place with "
                        + option(area)));
            }
            if (within(place, backupDir) || within(backupDir, place)) {
                problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, what + " and the backup " + request.backup()
                        + " would contain one another; choose another place with " + option(area)));
            }
            for (String other : seen) {
                if (within(place, other) || within(other, place)) {
                    problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, what + " and another tablespace or WAL "
                            + "directory would share " + other + "; give each its own place with " + option(area)));
                }
            }
            seen.add(place);
            in.liveDirectories().forEach((dir, cluster) -> {
                if (!cluster.equals(in.pgdataRealPath()) && (within(place, dir) || within(dir, place))) {
                    problems.add(new Problem(ErrorCode.TARGET_NOT_USABLE, area.target() + " is in use by the running "
                            + "cluster at " + cluster + " (" + dir + "); moving it aside for " + what + " would pull"
                            + " it from under that cluster. Restore it elsewhere with " + option(area)));
                }
            });
        }
    }

    /**
     * Room on every file system the restore writes to: what goes there, plus a margin, while what
     * it replaces stays there, moved aside.
     */
    private static void checkSpace(RestoreRequest request, VerifyReport backup, List<RestoreArea> areas,
            ClusterInspection in, List<Problem> problems) {
        Map<String, Long> needed = new LinkedHashMap<>();
        Map<String, Long> free = new LinkedHashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        String dataDevice = in.destDevice().isEmpty() ? "pgdata" : in.destDevice();
        needed.merge(dataDevice, backup.dataBytes(), Long::sum);
        free.put(dataDevice, in.destFreeBytes());
        where.put(dataDevice, "beside " + request.pgdata());
        for (RestoreArea area : areas) {
            TargetPath t = in.targets().get(area.target());
            if (t == null || t.device().isEmpty()) {
                continue;
            }
            needed.merge(t.device(), area.source().bytes(), Long::sum);
            free.putIfAbsent(t.device(), t.freeBytes());
            where.merge(t.device(), "in " + parentOf(area.target()), (a, b) -> a + " and " + b);
        }
        needed.forEach((device, bytes) -> {
            long required = Preflight.requiredBytes(bytes);
            long available = free.getOrDefault(device, -1L);
            if (available >= 0 && available < required) {
                problems.add(new Problem(ErrorCode.NO_SPACE, "not enough space " + where.get(device) + ": the "
                        + "restored copy needs " + Bytes.human(bytes) + " there plus a margin (" + Bytes.human(required)
                        + "), and what it replaces stays there, moved aside; only " + Bytes.human(available)
                        + " are free"));
            }
        });
    }

    private static boolean usablePath(String path) {
        return path.startsWith("/") && path.chars().noneMatch(c -> c == '\n' || c == '\r' || c == 0 || c == 0x1f)
                && !normalize(path).equals("/");
    }

    private static String option(RestoreArea area) {
        return area.source().isTablespace() ? "--tablespace-map " + area.source().oid() : "--wal-dir";
    }

    private static boolean within(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
    }

    private static String normalize(String path) {
        return Path.of(path).normalize().toString();
    }

    private static String parentOf(String path) {
        Path parent = Path.of(path).getParent();
        return parent == null ? "/" : parent.toString();
    }

    private static void checkBackup(VerifyReport backup, List<Problem> problems) {
        switch (backup.status()) {
            case "ok":
                if (!backup.problems().isEmpty()) {
                    problems.add(new Problem(ErrorCode.BACKUP_INVALID, "the backup does not match its manifest: "
                            + backup.summary()));
                }
                return;
            case "incomplete":
                problems.add(new Problem(ErrorCode.BACKUP_INCOMPLETE, backup.backup() + " is a .partial directory:"
                        + " what an unfinished or failed run left. It is never restored; choose a complete backup"));
                return;
            case "not_found":
                problems.add(new Problem(ErrorCode.BACKUP_NOT_FOUND, "there is no backup at " + backup.backup()));
                return;
            default:
                problems.add(new Problem(ErrorCode.BACKUP_INVALID, "the backup " + backup.backup() + " failed "
                        + "verification, so it is not restored: " + backup.summary()));
        }
    }

    private static void checkTarget(RestoreRequest request, ClusterInspection in, boolean root,
            List<Problem> problems) {
        if (!in.pgdataIsDirectory()) {
            problems.add(new Problem(ErrorCode.NOT_A_CLUSTER, request.pgdata() + " exists and is not a directory"));
            return;
        }
        if (in.sshUid() != in.pgdataOwnerUid() && !root) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, request.pgdata() + " belongs to '" + in.pgdataOwner()
                    + "' but we are logged in as '" + in.sshUser() + "'; connect as '" + in.pgdataOwner() + "'"));
            return;
        }
        if (!in.pgdataEmpty() && !in.flag("pgdata_readable")) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "cannot read " + request.pgdata()));
            return;
        }
        if (!in.pgdataEmpty() && in.get("pg_version").isEmpty() && !in.pidFilePresent()) {
            problems.add(new Problem(ErrorCode.NOT_A_CLUSTER, request.pgdata() + " is not empty and is not a "
                    + "PostgreSQL data directory (no PG_VERSION); refusing to move it aside in its place. Check "
                    + "--pgdata"));
            return;
        }
        String status = in.pidFileStatus();
        if (in.postmasterAlive() && (status.startsWith("stopping") || status.startsWith("starting"))) {
            problems.add(new Problem(ErrorCode.CLUSTER_BUSY, "PostgreSQL is " + status + " right now; try again once"
                    + " it has finished"));
        }
    }
}
