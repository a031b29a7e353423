package io.jenkins.plugins.pgofflinebackup;

import hudson.model.StringParameterValue;

/**
 * The backup chosen for a build: its directory as the value (so {@code params.NAME} and
 * {@code ${NAME}} give a path {@code pgOfflineRestore} takes), and what it was chosen as, for the
 * build's Parameters page.
 */
public final class PgOfflineBackupParameterValue extends StringParameterValue {
    private static final long serialVersionUID = 1L;

    private final String backupId;
    private final String host;
    private final String pgdata;
    private final String size;
    private final String time;
    private final String backupJob;
    private final int build;

    PgOfflineBackupParameterValue(String name, RecordedBackup backup, String backupJob) {
        super(name, backup.getPath());
        this.backupId = backup.getId();
        this.host = backup.getHost();
        this.pgdata = backup.getPgdata();
        this.size = backup.getSize();
        this.time = backup.getTime();
        this.backupJob = backupJob;
        this.build = backup.getBuild();
    }

    public String getBackupId() {
        return backupId;
    }

    public String getHost() {
        return host;
    }

    public String getPgdata() {
        return pgdata;
    }

    public String getSize() {
        return size;
    }

    public String getTime() {
        return time;
    }

    public String getBackupJob() {
        return backupJob;
    }

    public int getBuild() {
        return build;
    }

    @Override
    public String getShortDescription() {
        return getName() + "=" + getValue() + " (" + backupId + ", " + host + ")";
    }
}
