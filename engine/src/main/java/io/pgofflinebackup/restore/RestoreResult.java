package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import java.util.List;

/**
 * How a restore ended: where the original data directory was moved to (and, in
 * {@code alsoMovedAside}, the tablespaces, WAL directory and configuration files that were in the
 * way), whether a failed restore was rolled back, and whether PostgreSQL runs. The exit code
 * follows the backup's contract.
 */
public record RestoreResult(boolean ok, String host, String restoredFrom, String pgdata, String movedAsideTo,
        String failedRestoreAt, boolean rolledBack, long downtimeMillis, Boolean databaseRunning,
        ErrorCode errorCode, String errorMessage, String logPath, List<String> warnings, int exitCode,
        List<MovedAside> alsoMovedAside) {

    public RestoreResult {
        alsoMovedAside = alsoMovedAside == null ? List.of() : List.copyOf(alsoMovedAside);
    }

    /** A result with nothing moved aside besides the data directory. */
    public RestoreResult(boolean ok, String host, String restoredFrom, String pgdata, String movedAsideTo,
            String failedRestoreAt, boolean rolledBack, long downtimeMillis, Boolean databaseRunning,
            ErrorCode errorCode, String errorMessage, String logPath, List<String> warnings, int exitCode) {
        this(ok, host, restoredFrom, pgdata, movedAsideTo, failedRestoreAt, rolledBack, downtimeMillis,
                databaseRunning, errorCode, errorMessage, logPath, warnings, exitCode, List.of());
    }

    /**
     * Something a restore moved aside and kept, besides the data directory.
     *
     * @param what "tablespaces/OID", "wal" or "config"
     */
    public record MovedAside(String what, String original, String aside) {
    }
}
