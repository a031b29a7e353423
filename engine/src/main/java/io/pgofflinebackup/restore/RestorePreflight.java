package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.Preflight;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.util.Bytes;
import io.pgofflinebackup.verify.VerifyReport;
import java.util.ArrayList;
import java.util.List;

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
        boolean root = in.sshUid() == 0;
        if (root && !request.service().customServiceCommands()) {
            problems.add(new Problem(ErrorCode.OWNER_MISMATCH, "logged in as root, but pg_ctl refuses to run as root;"
                    + " connect as the cluster owner, or give --stop-command and --start-command"));
        }
        if (exists) {
            checkTarget(request, in, root, problems);
        }
        if (!backup.majorVersion().isEmpty()) {
            Preflight.checkBinaries(in, backup.majorVersion(), problems);
            problems.replaceAll(p -> p.code() == ErrorCode.MISSING_BINARIES && p.message().contains("pg_ctl is")
                    ? new Problem(ErrorCode.VERSION_MISMATCH, "the backup is of PostgreSQL " + backup.majorVersion()
                            + ", but the binaries found are '" + in.pgCtlVersion() + "'; give --pg-bin with the"
                            + " version " + backup.majorVersion() + " binaries")
                    : p);
        }
        long required = Preflight.requiredBytes(backup.bytes());
        if (in.destFreeBytes() >= 0 && in.destFreeBytes() < required) {
            problems.add(new Problem(ErrorCode.NO_SPACE, "not enough space beside " + request.pgdata() + ": the "
                    + "restored copy needs " + Bytes.human(backup.bytes()) + " plus a margin ("
                    + Bytes.human(required) + "), and the current data directory stays there; only "
                    + Bytes.human(in.destFreeBytes()) + " are free"));
        }
        Preflight.checkSessions(request.service().activeSessions(), in, problems, warnings);
        for (PreviousRun run : in.previousRuns()) {
            if (run.runnerAlive()) {
                problems.add(new Problem(ErrorCode.BACKUP_IN_PROGRESS, "another run (" + run.id() + ") is still "
                        + "working beside " + request.pgdata() + ": " + run.lastEventText()));
            }
        }
        return new RestorePlan(in.hostname(), backup, exists, in.postmasterAlive(), in.pgBin(), in.get("db_user"),
                in.sessionsKnown(), in.pgdataOwnerUid(), in.sshUid(), List.copyOf(warnings), List.copyOf(problems));
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
