package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * A restore's record on the build: what was restored where, where the data directory that was
 * there is kept, whether a failed restore was rolled back, and a red banner when PostgreSQL is
 * down. One per restore. Immutable but for the build it belongs to.
 */
public final class PgOfflineRestoreAction implements RunAction2 {
    private final int index;
    private final String host;
    private final int port;
    private final String pgdata;
    private final String restoredFrom;
    @CheckForNull
    private final String recordedBy;
    private final String hostKeyCheck;
    private final boolean hostKeyVerified;
    private final String engineLocation;
    private final boolean ok;
    @CheckForNull
    private final String movedAsideTo;
    @CheckForNull
    private final String failedRestoreAt;
    private final boolean rolledBack;
    private final long downtimeMillis;
    @CheckForNull
    private final Boolean databaseRunning;
    @CheckForNull
    private final String errorCode;
    @CheckForNull
    private final String errorMessage;
    private final int exitCode;
    @CheckForNull
    private final String logPath;
    // ArrayList rather than List.copyOf: the build record is saved with XStream.
    private final ArrayList<String> warnings;

    private transient Run<?, ?> run;

    /**
     * @param recordedBy for a backup picked by id, "job #build" that recorded it; else null
     */
    PgOfflineRestoreAction(int index, RestoreSpec spec, @CheckForNull String recordedBy, HostKeySpec hostKey,
            String engineLocation, RestoreOutcome outcome) {
        this.index = index;
        this.host = spec.host();
        this.port = spec.connection().port();
        this.pgdata = spec.pgdata();
        this.restoredFrom = spec.backup();
        this.recordedBy = recordedBy;
        this.hostKeyCheck = hostKey.describe();
        this.hostKeyVerified = hostKey.verifies();
        this.engineLocation = engineLocation;
        this.ok = outcome.ok();
        this.movedAsideTo = outcome.movedAsideTo();
        this.failedRestoreAt = outcome.failedRestoreAt();
        this.rolledBack = outcome.rolledBack();
        this.downtimeMillis = outcome.downtimeMillis();
        this.databaseRunning = outcome.databaseRunning();
        this.errorCode = outcome.errorCode();
        this.errorMessage = outcome.errorMessage();
        this.exitCode = outcome.exitCode();
        this.logPath = outcome.logPath();
        this.warnings = new ArrayList<>(outcome.warnings());
    }

    /** Adds the record of one restore to the build. */
    static PgOfflineRestoreAction addTo(Run<?, ?> run, RestoreSpec spec, @CheckForNull String recordedBy,
            HostKeySpec hostKey, String engineLocation, RestoreOutcome outcome) {
        synchronized (run) {
            int index = run.getActions(PgOfflineRestoreAction.class).size() + 1;
            PgOfflineRestoreAction action = new PgOfflineRestoreAction(index, spec, recordedBy, hostKey, engineLocation,
                    outcome);
            run.addAction(action);
            return action;
        }
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        run = r;
    }

    @CheckForNull
    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "symbol-redo";
    }

    @Override
    public String getDisplayName() {
        return Messages.PgOfflineRestoreAction_DisplayName(host);
    }

    @Override
    public String getUrlName() {
        return "pg-offline-restore-" + index;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public String getPgdata() {
        return pgdata;
    }

    public String getRestoredFrom() {
        return restoredFrom;
    }

    /** The build that recorded the restored backup ("job #build"), when it was picked by id. */
    @CheckForNull
    public String getRecordedBy() {
        return recordedBy;
    }

    public String getHostKeyCheck() {
        return hostKeyCheck;
    }

    public boolean isHostKeyVerified() {
        return hostKeyVerified;
    }

    public String getEngineLocation() {
        return engineLocation;
    }

    public boolean isOk() {
        return ok;
    }

    /** Where the data directory that was there before the restore is kept; null if there was none. */
    @CheckForNull
    public String getMovedAsideTo() {
        return movedAsideTo;
    }

    /** After a roll-back, where the restored copy that failed is kept. */
    @CheckForNull
    public String getFailedRestoreAt() {
        return failedRestoreAt;
    }

    public boolean isRolledBack() {
        return rolledBack;
    }

    public long getDowntimeMillis() {
        return downtimeMillis;
    }

    public String getDowntime() {
        return BuildLogProgress.millis(downtimeMillis);
    }

    @CheckForNull
    public Boolean getDatabaseRunning() {
        return databaseRunning;
    }

    /** PostgreSQL could not be started (exit code 3): the build page shows a red banner. */
    public boolean isDatabaseDown() {
        return !ok && exitCode == io.pgofflinebackup.ErrorCode.Outcome.DATABASE_DOWN.exitCode();
    }

    /** Failed and nobody could tell whether PostgreSQL runs: a yellow banner asks to look. */
    public boolean isDatabaseStateUnknown() {
        return !ok && databaseRunning == null && !isDatabaseDown();
    }

    public String getDatabaseState() {
        if (databaseRunning == null) {
            return Messages.PgOfflineBackupAction_state_unknown();
        }
        return databaseRunning ? Messages.PgOfflineBackupAction_state_running()
                : Messages.PgOfflineBackupAction_state_stopped();
    }

    @CheckForNull
    public String getErrorCode() {
        return errorCode;
    }

    @CheckForNull
    public String getErrorMessage() {
        return errorMessage;
    }

    public int getExitCode() {
        return exitCode;
    }

    /** restore.log on the host, kept beside the data directory. */
    @CheckForNull
    public String getLogPath() {
        return logPath;
    }

    public List<String> getWarnings() {
        return warnings == null ? List.of() : Collections.unmodifiableList(warnings);
    }
}
