package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import io.pgofflinebackup.util.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * A backup's record on the build: what was backed up, where the backup is, how long PostgreSQL was
 * down, and a red banner when it could not be started again. One per backup, so a build that
 * backs up a fleet in parallel has one per host. Immutable but for the build it belongs to.
 *
 * <p>manifest.json, backup_manifest and backup.log stay with the backup on the database host, and
 * a copy of them is archived with the build ({@link #getArchivedRecords()}).
 */
public final class PgOfflineBackupAction implements RunAction2 {
    private final int index;
    private final String host;
    private final int port;
    private final String pgdata;
    private final String dest;
    private final String hostKeyCheck;
    private final boolean hostKeyVerified;
    private final String engineLocation;
    private final boolean ok;
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
    // ArrayList rather than List.copyOf: the build record is saved with XStream.
    private final ArrayList<String> warnings;
    @CheckForNull
    private final Boolean databaseWasRunning;
    @CheckForNull
    private final String pgVerifybackup;
    // Null in records saved before they were recorded.
    @CheckForNull
    private final String pgChecksums;
    @CheckForNull
    private final String copyMethod;
    // Null in records saved before archiving existed.
    @CheckForNull
    private final ArrayList<String> archivedRecords;

    private transient Run<?, ?> run;

    /**
     * @param archivedRecords the backup's records archived with the build, as paths relative to its
     *     artifacts
     */
    PgOfflineBackupAction(int index, BackupSpec spec, HostKeySpec hostKey, String engineLocation,
            BackupOutcome outcome, List<String> archivedRecords) {
        this.index = index;
        this.host = spec.host();
        this.port = spec.port();
        this.pgdata = spec.pgdata();
        this.dest = spec.dest();
        this.hostKeyCheck = hostKey.describe();
        this.hostKeyVerified = hostKey.verifies();
        this.engineLocation = engineLocation;
        this.ok = outcome.ok();
        this.backupId = outcome.backupId();
        this.backupPath = outcome.backupPath();
        this.manifestPath = outcome.manifestPath();
        this.logPath = outcome.logPath();
        this.files = outcome.files();
        this.bytes = outcome.bytes();
        this.downtimeMillis = outcome.downtimeMillis();
        this.databaseRunning = outcome.databaseRunning();
        this.errorCode = outcome.errorCode();
        this.errorMessage = outcome.errorMessage();
        this.exitCode = outcome.exitCode();
        this.warnings = new ArrayList<>(outcome.warnings());
        this.databaseWasRunning = outcome.databaseWasRunning();
        this.pgVerifybackup = outcome.pgVerifybackup();
        this.pgChecksums = outcome.pgChecksums();
        this.copyMethod = outcome.copyMethod();
        this.archivedRecords = new ArrayList<>(archivedRecords);
    }

    /** Adds the record of one backup to the build; parallel backups of one build each get their own. */
    static PgOfflineBackupAction addTo(Run<?, ?> run, BackupSpec spec, HostKeySpec hostKey, String engineLocation,
            BackupOutcome outcome, List<String> archivedRecords) {
        synchronized (run) {
            int index = run.getActions(PgOfflineBackupAction.class).size() + 1;
            PgOfflineBackupAction action = new PgOfflineBackupAction(index, spec, hostKey, engineLocation, outcome,
                    archivedRecords);
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
        return "symbol-save";
    }

    @Override
    public String getDisplayName() {
        return Messages.PgOfflineBackupAction_DisplayName(host);
    }

    @Override
    public String getUrlName() {
        return "pg-offline-backup-" + index;
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

    public String getDest() {
        return dest;
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

    @CheckForNull
    public String getBackupId() {
        return backupId;
    }

    @CheckForNull
    public String getBackupPath() {
        return backupPath;
    }

    @CheckForNull
    public String getManifestPath() {
        return manifestPath;
    }

    @CheckForNull
    public String getLogPath() {
        return logPath;
    }

    public long getFiles() {
        return files;
    }

    public long getBytes() {
        return bytes;
    }

    public String getSize() {
        return Bytes.human(bytes);
    }

    public long getDowntimeMillis() {
        return downtimeMillis;
    }

    public String getDowntime() {
        return BuildLogProgress.millis(downtimeMillis);
    }

    /** The engine verified the copy: file count, bytes and every file's size, while PostgreSQL was stopped. */
    public boolean isVerified() {
        return ok;
    }

    @CheckForNull
    public Boolean getDatabaseRunning() {
        return databaseRunning;
    }

    /** PostgreSQL could not be started again (exit code 3): the build page shows a red banner. */
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

    public List<String> getWarnings() {
        return warnings == null ? List.of() : Collections.unmodifiableList(warnings);
    }

    /** Whether PostgreSQL ran when the backup began; null when not known (records from a re-attach). */
    @CheckForNull
    public Boolean getDatabaseWasRunning() {
        return databaseWasRunning;
    }

    /** What PostgreSQL's pg_verifybackup said of the copy: passed, skipped, unknown; null if not run. */
    @CheckForNull
    public String getPgVerifybackup() {
        return pgVerifybackup;
    }

    /**
     * What pg_checksums --check said of the copy's data pages: passed, failed, error, disabled, skipped,
     * unknown; null if not recorded.
     */
    @CheckForNull
    public String getPgChecksums() {
        return pgChecksums;
    }

    /** Whether pg_checksums found damaged pages (the copy holds them as the cluster did). */
    public boolean isDamagedPages() {
        return "failed".equals(pgChecksums);
    }

    /** How the files were taken while PostgreSQL was down: copy, precopy, snapshot; null if not recorded. */
    @CheckForNull
    public String getCopyMethod() {
        return copyMethod;
    }

    /** The records archived with the build, relative to its artifacts (manifest.json, backup.log, ...). */
    public List<String> getArchivedRecords() {
        return archivedRecords == null ? List.of() : Collections.unmodifiableList(archivedRecords);
    }

    /** The file name of an archived record, for its link. */
    public static String recordName(String archivedPath) {
        return archivedPath.substring(archivedPath.lastIndexOf('/') + 1);
    }
}
