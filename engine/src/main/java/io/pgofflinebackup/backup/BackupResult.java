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
 */
public record BackupResult(boolean ok, String host, String backupId, String backupPath, String manifestPath,
        String logPath, long files, long bytes, long downtimeMillis, Boolean databaseRunning, ErrorCode errorCode,
        String errorMessage, List<String> warnings, Boolean databaseWasRunning, String pgVerifybackup) {

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
