package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.restore.RestoreResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a restore ended, as the engine's {@link RestoreResult} said, in a form that travels back from
 * the agent. Immutable.
 */
final class RestoreOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean ok;
    private final String host;
    private final String restoredFrom;
    private final String pgdata;
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
    @CheckForNull
    private final String logPath;
    private final ArrayList<String> warnings;
    private final int exitCode;

    private RestoreOutcome(RestoreResult result) {
        this.ok = result.ok();
        this.host = result.host();
        this.restoredFrom = result.restoredFrom();
        this.pgdata = result.pgdata();
        this.movedAsideTo = result.movedAsideTo();
        this.failedRestoreAt = result.failedRestoreAt();
        this.rolledBack = result.rolledBack();
        this.downtimeMillis = result.downtimeMillis();
        this.databaseRunning = result.databaseRunning();
        this.errorCode = result.errorCode() == null ? null : result.errorCode().name();
        this.errorMessage = result.errorMessage();
        this.logPath = result.logPath();
        this.warnings = new ArrayList<>(result.warnings() == null ? List.of() : result.warnings());
        this.exitCode = result.exitCode();
    }

    private RestoreOutcome(RestoreOutcome outcome, String restoredFrom) {
        this.ok = outcome.ok;
        this.host = outcome.host;
        this.restoredFrom = restoredFrom;
        this.pgdata = outcome.pgdata;
        this.movedAsideTo = outcome.movedAsideTo;
        this.failedRestoreAt = outcome.failedRestoreAt;
        this.rolledBack = outcome.rolledBack;
        this.downtimeMillis = outcome.downtimeMillis;
        this.databaseRunning = outcome.databaseRunning;
        this.errorCode = outcome.errorCode;
        this.errorMessage = outcome.errorMessage;
        this.logPath = outcome.logPath;
        this.warnings = new ArrayList<>(outcome.warnings);
        this.exitCode = outcome.exitCode;
    }

    static RestoreOutcome of(RestoreResult result) {
        return new RestoreOutcome(result);
    }

    /**
     * The same outcome, naming the backup as the caller knows it. A re-attached engine only knows the
     * run's own word for it, which for a backup fetched from a backup host is the fetched copy.
     */
    RestoreOutcome withRestoredFrom(String backup) {
        return new RestoreOutcome(this, backup);
    }

    boolean ok() {
        return ok;
    }

    String host() {
        return host;
    }

    String restoredFrom() {
        return restoredFrom;
    }

    String pgdata() {
        return pgdata;
    }

    /** Where the data directory that was there before is kept; null if there was none. */
    @CheckForNull
    String movedAsideTo() {
        return movedAsideTo;
    }

    /** Where a restored copy that failed is kept after a roll-back; null otherwise. */
    @CheckForNull
    String failedRestoreAt() {
        return failedRestoreAt;
    }

    boolean rolledBack() {
        return rolledBack;
    }

    long downtimeMillis() {
        return downtimeMillis;
    }

    @CheckForNull
    Boolean databaseRunning() {
        return databaseRunning;
    }

    @CheckForNull
    String errorCode() {
        return errorCode;
    }

    @CheckForNull
    String errorMessage() {
        return errorMessage;
    }

    @CheckForNull
    String logPath() {
        return logPath;
    }

    List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** As the CLI's: 0 done, 1 failed with PostgreSQL as found or rolled back, 2 nothing touched, 3 down. */
    int exitCode() {
        return exitCode;
    }

    /** PostgreSQL could not be started, from the restored copy nor from the original: exit code 3. */
    boolean databaseDown() {
        return !ok && exitCode == ErrorCode.Outcome.DATABASE_DOWN.exitCode();
    }

    /**
     * What {@code pgOfflineRestore} returns to the Pipeline script. A restore that did not complete
     * fails the step, so a returned map is always a completed restore.
     */
    Map<String, Object> toStepResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("restoredFrom", restoredFrom);
        result.put("pgdata", pgdata);
        result.put("movedAsideTo", movedAsideTo);
        result.put("rolledBack", rolledBack);
        result.put("downtimeMillis", downtimeMillis);
        result.put("databaseRunning", databaseRunning);
        return result;
    }

    String successMessage() {
        String aside = movedAsideTo == null ? Messages.RestoreOutcome_nothingAside()
                : Messages.RestoreOutcome_aside(movedAsideTo);
        return Messages.RestoreOutcome_success(host, pgdata, restoredFrom, BuildLogProgress.millis(downtimeMillis),
                aside);
    }

    /** The failure as the build shows it: what happened, whether it was rolled back, PostgreSQL's state. */
    String failureMessage() {
        String state;
        if (databaseDown()) {
            state = Messages.RestoreOutcome_databaseDown(host, pgdata);
        } else if (Boolean.TRUE.equals(databaseRunning)) {
            state = Messages.Outcome_databaseRunning(host);
        } else if (Boolean.FALSE.equals(databaseRunning)) {
            state = Messages.RestoreOutcome_databaseStopped(host);
        } else {
            state = Messages.Outcome_databaseUnknown(host);
        }
        String rollBack = rolledBack ? " " + Messages.RestoreOutcome_rolledBack(pgdata) : "";
        String where = logPath == null ? "" : " " + Messages.RestoreOutcome_logAt(logPath);
        return Messages.RestoreOutcome_failure(host, pgdata, errorCode, exitCode, errorMessage) + rollBack + " " + state
                + where;
    }
}
