package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.util.Bytes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a backup ended, as the engine's {@link BackupResult} said, in a form that travels back from
 * the agent. Immutable.
 */
final class BackupOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean ok;
    private final String host;
    @CheckForNull
    private final String backupId;
    @CheckForNull
    private final String backupPath;
    @CheckForNull
    private final String manifestPath;
    @CheckForNull
    private final String logPath;
    private final long files;
    private final long bytes;
    private final long downtimeMillis;
    @CheckForNull
    private final Boolean databaseRunning;
    @CheckForNull
    private final String errorCode;
    @CheckForNull
    private final String errorMessage;
    private final int exitCode;
    private final ArrayList<String> warnings;
    @CheckForNull
    private final Boolean databaseWasRunning;
    @CheckForNull
    private final String pgVerifybackup;
    // Null in outcomes serialized before these were recorded.
    @CheckForNull
    private final String pgChecksums;
    @CheckForNull
    private final String copyMethod;
    @CheckForNull
    private final String recordsDir;
    private final ArrayList<String> recordNames;
    @CheckForNull
    private final String recordsProblem;

    private BackupOutcome(BackupResult result, @CheckForNull String recordsDir, List<String> recordNames,
            @CheckForNull String recordsProblem) {
        this.ok = result.ok();
        this.host = result.host();
        this.backupId = result.backupId();
        this.backupPath = result.backupPath();
        this.manifestPath = result.manifestPath();
        this.logPath = result.logPath();
        this.files = result.files();
        this.bytes = result.bytes();
        this.downtimeMillis = result.downtimeMillis();
        this.databaseRunning = result.databaseRunning();
        this.errorCode = result.errorCode() == null ? null : result.errorCode().name();
        this.errorMessage = result.errorMessage();
        this.exitCode = result.exitCode();
        this.warnings = new ArrayList<>(result.warnings() == null ? List.of() : result.warnings());
        this.databaseWasRunning = result.databaseWasRunning();
        this.pgVerifybackup = result.pgVerifybackup();
        // A failed backup checked nothing and made nothing: no verdict to show.
        this.pgChecksums = result.ok() ? result.pgChecksums() : null;
        this.copyMethod = result.ok() ? result.copyMethod() : null;
        this.recordsDir = recordsDir;
        this.recordNames = new ArrayList<>(recordNames);
        this.recordsProblem = recordsProblem;
    }

    /** A backup whose records were not fetched (it failed, or there was nothing to fetch). */
    static BackupOutcome of(BackupResult result) {
        return new BackupOutcome(result, null, List.of(), null);
    }

    /**
     * @param recordsDir where the backup's records were copied to, on the machine that ran the
     *     engine (a temporary directory, removed once archived), or null
     * @param recordNames the files in it
     * @param recordsProblem why the records could not be copied, or null
     */
    static BackupOutcome of(BackupResult result, @CheckForNull String recordsDir, List<String> recordNames,
            @CheckForNull String recordsProblem) {
        return new BackupOutcome(result, recordsDir, recordNames, recordsProblem);
    }

    boolean ok() {
        return ok;
    }

    String host() {
        return host;
    }

    @CheckForNull
    String backupId() {
        return backupId;
    }

    @CheckForNull
    String backupPath() {
        return backupPath;
    }

    @CheckForNull
    String manifestPath() {
        return manifestPath;
    }

    @CheckForNull
    String logPath() {
        return logPath;
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
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

    /** As the CLI's: 0 done, 1 failed with PostgreSQL as found, 2 nothing touched, 3 PostgreSQL is down. */
    int exitCode() {
        return exitCode;
    }

    List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** Whether PostgreSQL ran when the backup began; null when not known (e.g. after a re-attach). */
    @CheckForNull
    Boolean databaseWasRunning() {
        return databaseWasRunning;
    }

    /** What PostgreSQL's pg_verifybackup said of the copy: passed, skipped or unknown; null on failure. */
    @CheckForNull
    String pgVerifybackup() {
        return pgVerifybackup;
    }

    /**
     * What pg_checksums --check said of the copy's data pages: passed, failed, error, disabled,
     * skipped or unknown; null on failure.
     */
    @CheckForNull
    String pgChecksums() {
        return pgChecksums;
    }

    /** How the files were taken while PostgreSQL was down: copy, precopy or snapshot; null on failure. */
    @CheckForNull
    String copyMethod() {
        return copyMethod;
    }

    @CheckForNull
    String recordsDir() {
        return recordsDir;
    }

    List<String> recordNames() {
        return Collections.unmodifiableList(recordNames);
    }

    @CheckForNull
    String recordsProblem() {
        return recordsProblem;
    }

    /** PostgreSQL could not be started again: exit code 3 in CLI terms. */
    boolean databaseDown() {
        return !ok && exitCode == ErrorCode.Outcome.DATABASE_DOWN.exitCode();
    }

    /**
     * What {@code pgOfflineBackup} returns to the Pipeline script. {@code verified} is true for every
     * backup that completed: the engine compares file count, bytes and each file's size of the copy
     * with the source while PostgreSQL is still stopped, and fails the backup otherwise;
     * {@code pgVerifybackup} says what PostgreSQL's own check of the copy found, {@code pgChecksums} what
     * pg_checksums found of its data pages ("failed": damaged pages, which the copy holds as the cluster
     * did; the warnings say how many), {@code method} how the files were taken (copy, precopy, snapshot).
     */
    Map<String, Object> toStepResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", backupId);
        result.put("path", backupPath);
        result.put("files", files);
        result.put("bytes", bytes);
        result.put("downtimeMillis", downtimeMillis);
        result.put("verified", ok);
        result.put("manifestPath", manifestPath);
        result.put("logPath", logPath);
        result.put("host", host);
        result.put("pgVerifybackup", pgVerifybackup);
        result.put("pgChecksums", pgChecksums);
        result.put("method", copyMethod);
        return result;
    }

    /** One line for the build log when the backup completed. */
    String successMessage() {
        return Messages.Outcome_success(backupId, host, backupPath, Bytes.human(bytes), files,
                BuildLogProgress.millis(downtimeMillis));
    }

    /** The failure as the build shows it: what happened, PostgreSQL's state, what to do. */
    String failureMessage() {
        String state;
        if (databaseDown()) {
            state = Messages.Outcome_databaseDown(host);
        } else if (Boolean.TRUE.equals(databaseRunning)) {
            state = Messages.Outcome_databaseRunning(host);
        } else if (Boolean.FALSE.equals(databaseRunning) && Boolean.TRUE.equals(databaseWasRunning)) {
            state = Messages.Outcome_databaseStoppedByFailure(host);
        } else if (Boolean.FALSE.equals(databaseRunning)) {
            state = Messages.Outcome_databaseStopped(host);
        } else {
            state = Messages.Outcome_databaseUnknown(host);
        }
        String where = logPath == null ? "" : " " + Messages.Outcome_logAt(logPath);
        return Messages.Outcome_failure(host, errorCode, exitCode, errorMessage) + " " + state + where;
    }
}
