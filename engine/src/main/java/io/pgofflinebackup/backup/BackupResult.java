package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import java.util.List;

/**
 * How a backup ended. On success the paths, counts and downtime; on failure the error and whether
 * PostgreSQL runs (null when nobody could tell, e.g. the host became unreachable).
 *
 * @param databaseWasRunning whether PostgreSQL ran when the backup began (null when unknown), to tell
 *        "left stopped as found" from "stopped by a failure"
 * @param pgVerifybackup what PostgreSQL's pg_verifybackup said of the copy: passed, skipped (no
 *        backup_manifest for this version), or unknown
 * @param pgChecksums what pg_checksums --check said of the copy: passed, failed (damaged pages, see the
 *        warnings), error, disabled (the cluster has no data checksums), skipped (no pg_checksums of the
 *        cluster's version where the copy is, as for a full copy pulled to the client), or unknown
 * @param copyMethod how the files were taken while PostgreSQL was down: copy, precopy or snapshot (unknown
 *        when not reported)
 * @param removedBackups ids of older backups that --keep removed after this one completed
 */
public record BackupResult(boolean ok, String host, String backupId, String backupPath, String manifestPath,
        String logPath, long files, long bytes, long downtimeMillis, Boolean databaseRunning, ErrorCode errorCode,
        String errorMessage, List<String> warnings, Boolean databaseWasRunning, String pgVerifybackup,
        String pgChecksums, String copyMethod, List<String> removedBackups) {

    public BackupResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        removedBackups = removedBackups == null ? List.of() : List.copyOf(removedBackups);
    }

    /** A result without the checks and methods that came later (they read as unknown, nothing removed). */
    public BackupResult(boolean ok, String host, String backupId, String backupPath, String manifestPath,
            String logPath, long files, long bytes, long downtimeMillis, Boolean databaseRunning, ErrorCode errorCode,
            String errorMessage, List<String> warnings, Boolean databaseWasRunning, String pgVerifybackup) {
        this(ok, host, backupId, backupPath, manifestPath, logPath, files, bytes, downtimeMillis, databaseRunning,
                errorCode, errorMessage, warnings, databaseWasRunning, pgVerifybackup, "unknown", "unknown", List.of());
    }

    public static BackupResult failed(JobFailure failure, String host, String backupId, String logPath,
            List<String> warnings) {
        return new BackupResult(false, host, backupId, null, null, logPath, 0, 0, 0, failure.databaseRunning(),
                failure.code(), failure.getMessage(), List.copyOf(warnings), null, null);
    }

    /** 0 done; 1 failed with PostgreSQL as found; 2 bad input, nothing touched; 3 PostgreSQL is down. */
    public int exitCode() {
        if (ok) {
            return 0;
        }
        return errorCode.outcome().exitCode();
    }
}
