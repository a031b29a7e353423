package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import java.util.List;

/**
 * How a restore ended: where the original data directory was moved to, whether a failed restore
 * was rolled back, and whether PostgreSQL runs. The exit code follows the backup's contract.
 */
public record RestoreResult(boolean ok, String host, String restoredFrom, String pgdata, String movedAsideTo,
        String failedRestoreAt, boolean rolledBack, long downtimeMillis, Boolean databaseRunning,
        ErrorCode errorCode, String errorMessage, String logPath, List<String> warnings, int exitCode) {
}
