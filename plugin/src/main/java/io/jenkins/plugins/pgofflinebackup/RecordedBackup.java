package io.jenkins.plugins.pgofflinebackup;

import hudson.model.Run;
import io.pgofflinebackup.util.Bytes;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One complete backup as a build recorded it, for the restore step's lookup by id and for the
 * backup parameter's list (whose views read it, hence the getters). Immutable.
 */
public final class RecordedBackup implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String id;
    private final String path;
    private final String host;
    private final String pgdata;
    private final long bytes;
    private final long files;
    private final int build;
    private final long timeMillis;

    /**
     * @param build the number of the build that took it
     * @param timeMillis when that build started
     */
    RecordedBackup(String id, String path, String host, String pgdata, long bytes, long files, int build,
            long timeMillis) {
        this.id = id;
        this.path = path;
        this.host = host;
        this.pgdata = pgdata;
        this.bytes = bytes;
        this.files = files;
        this.build = build;
        this.timeMillis = timeMillis;
    }

    static RecordedBackup of(PgOfflineBackupAction action, Run<?, ?> run) {
        return new RecordedBackup(action.getBackupId(), action.getBackupPath(), action.getHost(), action.getPgdata(),
                action.getBytes(), action.getFiles(), run.getNumber(), run.getTimeInMillis());
    }

    public String getId() {
        return id;
    }

    public String getPath() {
        return path;
    }

    public String getHost() {
        return host;
    }

    public String getPgdata() {
        return pgdata;
    }

    public long getBytes() {
        return bytes;
    }

    public long getFiles() {
        return files;
    }

    public int getBuild() {
        return build;
    }

    public String getTime() {
        return TIME.format(Instant.ofEpochMilli(timeMillis));
    }

    public String getSize() {
        return Bytes.human(bytes);
    }

    /** "20261125T020003Z: db1:/var/lib/postgresql/16/main, 2026-11-25 02:00 UTC, 5.0 GiB, build #45" */
    public String getLabel() {
        return Messages.RecordedBackups_label(id, host, pgdata, getTime(), getSize(), Integer.toString(build));
    }

    @Override
    public String toString() {
        return getLabel();
    }
}
