package io.pgofflinebackup.backup;

import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.runner.RunnerParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a job stops, starts and talks to the cluster: the same for backup and restore.
 *
 * @param pgBin directory of pg_ctl and friends on the host, or null to find it from the version
 * @param maxDowntime abandon the work and bring PostgreSQL back after this long, or null for no limit
 * @param stopCommand user-given command that stops PostgreSQL (with startCommand), or null for pg_ctl
 * @param dbUser role used to list sessions and prove the server serves; null means the PGDATA owner's name
 * @param serverLog file pg_ctl sends the server's output to when it starts it; null for a default
 * @param manager how PostgreSQL is stopped and started; {@link ServiceManager#AUTO} finds out on the host
 * @param sudo act through {@code sudo -n}: become the cluster owner when logged in as someone else,
 *             and run systemctl as root
 */
public record ServiceSettings(String pgBin, StopMode stopMode, Duration stopTimeout, Duration startTimeout,
        ActiveSessionPolicy activeSessions, Duration maxDowntime, String stopCommand, String startCommand,
        String dbUser, String dbName, String serverLog, ServiceManager manager, boolean sudo) {

    public ServiceSettings {
        Objects.requireNonNull(stopMode, "stopMode");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(activeSessions, "activeSessions");
        Objects.requireNonNull(dbName, "dbName");
        manager = manager == null ? ServiceManager.AUTO : manager;
    }

    public boolean customServiceCommands() {
        return stopCommand != null;
    }

    /** Checks what can be checked without the host; throws IllegalArgumentException saying what is wrong. */
    public void validate() {
        if (pgBin != null) {
            absolutePath("--pg-bin", pgBin);
        }
        if (serverLog != null) {
            absolutePath("--server-log", serverLog);
        }
        if ((stopCommand == null) != (startCommand == null)) {
            throw new IllegalArgumentException("--stop-command and --start-command go together: give both or neither");
        }
        if (manager == ServiceManager.CUSTOM && stopCommand == null) {
            throw new IllegalArgumentException("--service custom needs --stop-command and --start-command");
        }
        if (stopCommand != null && manager != ServiceManager.AUTO && manager != ServiceManager.CUSTOM) {
            throw new IllegalArgumentException("--stop-command and --start-command are the custom service manager;"
                    + " they cannot go with --service " + manager);
        }
        if (stopCommand != null) {
            oneLine("--stop-command", stopCommand);
            oneLine("--start-command", startCommand);
            if (stopCommand.isBlank() || startCommand.isBlank()) {
                throw new IllegalArgumentException("--stop-command and --start-command cannot be empty");
            }
        }
        if (dbUser != null) {
            oneLine("--db-user", dbUser);
        }
        oneLine("--db-name", dbName);
        if (maxDowntime != null && maxDowntime.toSeconds() < 1) {
            throw new IllegalArgumentException("--max-downtime must be at least 1s");
        }
        if (stopTimeout.toSeconds() < 1 || startTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("stop and start time-outs must be at least 1s");
        }
    }

    /** The runner params every critical section reads (see critical.sh). */
    public RunnerParams addTo(RunnerParams params, String pgdata, String pgBinFound, boolean running,
            String dbUserFound) {
        return params.put("pgdata", pgdata)
                .put("pg_bin", pgBinFound)
                .put("stop_mode", stopMode.pgCtlName())
                .put("stop_timeout", stopTimeout.toSeconds())
                .put("start_timeout", startTimeout.toSeconds())
                .put("max_downtime", maxDowntime == null ? 0 : maxDowntime.toSeconds())
                .put("stop_command", stopCommand)
                .put("start_command", startCommand)
                .put("was_running", running)
                .put("db_user", dbUserFound)
                .put("db_name", dbName)
                .put("server_log", serverLog);
    }

    /**
     * Paths must be absolute and one line: they reach the host quoted, never interpreted, but a
     * line break cannot be carried through the line-based params and state files, so it is
     * refused rather than mangled.
     */
    public static void absolutePath(String option, String value) {
        oneLine(option, value);
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(option + " must be an absolute path (starting with /), not '"
                    + value + "'");
        }
    }

    static void oneLine(String option, String value) {
        for (char c : value.toCharArray()) {
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException(option + " contains a line break or NUL character; refusing it");
            }
        }
    }

    static String normalize(String path) {
        return Path.of(path).normalize().toString();
    }

    static boolean inside(String path, String dir) {
        String p = normalize(path);
        String d = normalize(dir);
        return p.equals(d) || p.startsWith(d.endsWith("/") ? d : d + "/");
    }
}
