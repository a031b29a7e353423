package io.pgofflinebackup.backup;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How PostgreSQL is stopped and started. {@link #AUTO} lets the pre-flight find out from the host
 * (see {@link ServiceChoice#choose}); the others are what the user says.
 */
public enum ServiceManager {
    AUTO("auto"),
    /** {@code pg_ctl stop|start -D PGDATA}. */
    PG_CTL("pg_ctl"),
    /** Debian's postgresql-common: {@code pg_ctlcluster VERSION CLUSTER stop|start}. */
    PG_CTLCLUSTER("pg_ctlcluster"),
    /** {@code systemctl stop|start UNIT}, the unit whose main process is the postmaster. */
    SYSTEMD("systemd"),
    /** The user's own {@code --stop-command} and {@code --start-command}. */
    CUSTOM("custom");

    private final String word;

    ServiceManager(String word) {
        this.word = word;
    }

    /** The name users write and the runner reads: auto, pg_ctl, pg_ctlcluster, systemd, custom. */
    public String word() {
        return word;
    }

    public static ServiceManager parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ServiceManager m : values()) {
            if (m.word.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--service must be one of " + allowed() + ", not '" + value + "'");
    }

    public static String allowed() {
        return Arrays.stream(values()).map(ServiceManager::word).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return word;
    }
}
