package io.pgofflinebackup.backup;

import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a backup needs to know. Built by the CLI or the Jenkins step; checked by
 * {@link #validate()} before anything is contacted.
 *
 * @param pgBin directory of pg_ctl and friends on the host, or null to find it from PG_VERSION
 * @param maxDowntime abort the copy and start PostgreSQL again after this long, or null for no limit
 * @param stopCommand user-given command that stops PostgreSQL (with startCommand), or null for pg_ctl
 * @param dbUser role used to list sessions and prove the server serves; null means the PGDATA owner's name
 * @param serverLog file pg_ctl sends the server's output to when it starts it; null for a default
 */
public record BackupRequest(SshTarget target, SshCredentials credentials, HostKeyPolicy hostKeyPolicy,
        String pgdata, String dest, String pgBin, StopMode stopMode, Duration stopTimeout, Duration startTimeout,
        ActiveSessionPolicy activeSessions, Duration maxDowntime, String stopCommand, String startCommand,
        String dbUser, String dbName, String serverLog, Duration connectTimeout, Duration reconnectTimeout) {

    public BackupRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        Objects.requireNonNull(pgdata, "pgdata");
        Objects.requireNonNull(dest, "dest");
        Objects.requireNonNull(stopMode, "stopMode");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(activeSessions, "activeSessions");
        Objects.requireNonNull(dbName, "dbName");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean customServiceCommands() {
        return stopCommand != null;
    }

    /**
     * Checks what can be checked without the host. Paths must be absolute and one line: they are
     * passed to the host quoted, never interpreted, but a newline cannot be carried through the
     * line-based protocol with the runner, so it is refused rather than mangled.
     */
    public void validate() {
        absolutePath("--pgdata", pgdata);
        absolutePath("--dest", dest);
        if (pgBin != null) {
            absolutePath("--pg-bin", pgBin);
        }
        if (serverLog != null) {
            absolutePath("--server-log", serverLog);
        }
        String data = normalize(pgdata);
        String backup = normalize(dest);
        if (data.equals("/")) {
            throw new IllegalArgumentException("--pgdata cannot be the root directory");
        }
        if (backup.equals(data) || backup.startsWith(data.endsWith("/") ? data : data + "/")) {
            throw new IllegalArgumentException("--dest " + dest + " is inside --pgdata " + pgdata
                    + ": the backup would copy itself; choose a directory outside the data directory");
        }
        if ((stopCommand == null) != (startCommand == null)) {
            throw new IllegalArgumentException("--stop-command and --start-command go together: give both or neither");
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

    private static void absolutePath(String option, String value) {
        oneLine(option, value);
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(option + " must be an absolute path (starting with /), not '"
                    + value + "'");
        }
    }

    private static void oneLine(String option, String value) {
        for (char c : value.toCharArray()) {
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException(option + " contains a line break or NUL character; refusing it");
            }
        }
    }

    static String normalize(String path) {
        return Path.of(path).normalize().toString();
    }

    /** Fluent construction with the defaults a careful DBA expects. */
    public static final class Builder {
        private SshTarget target;
        private SshCredentials credentials;
        private HostKeyPolicy hostKeyPolicy = HostKeyPolicy.defaultPolicy();
        private String pgdata;
        private String dest;
        private String pgBin;
        private StopMode stopMode = StopMode.FAST;
        private Duration stopTimeout = Duration.ofSeconds(60);
        private Duration startTimeout = Duration.ofSeconds(60);
        private ActiveSessionPolicy activeSessions = ActiveSessionPolicy.REFUSE;
        private Duration maxDowntime;
        private String stopCommand;
        private String startCommand;
        private String dbUser;
        private String dbName = "postgres";
        private String serverLog;
        private Duration connectTimeout = Duration.ofSeconds(20);
        private Duration reconnectTimeout = Duration.ofMinutes(5);

        public Builder target(SshTarget value) {
            target = value;
            return this;
        }

        public Builder credentials(SshCredentials value) {
            credentials = value;
            return this;
        }

        public Builder hostKeyPolicy(HostKeyPolicy value) {
            hostKeyPolicy = value;
            return this;
        }

        public Builder pgdata(String value) {
            pgdata = value;
            return this;
        }

        public Builder dest(String value) {
            dest = value;
            return this;
        }

        public Builder pgBin(String value) {
            pgBin = value;
            return this;
        }

        public Builder stopMode(StopMode value) {
            stopMode = value;
            return this;
        }

        public Builder stopTimeout(Duration value) {
            stopTimeout = value;
            return this;
        }

        public Builder startTimeout(Duration value) {
            startTimeout = value;
            return this;
        }

        public Builder activeSessions(ActiveSessionPolicy value) {
            activeSessions = value;
            return this;
        }

        public Builder maxDowntime(Duration value) {
            maxDowntime = value;
            return this;
        }

        public Builder serviceCommands(String stop, String start) {
            stopCommand = stop;
            startCommand = start;
            return this;
        }

        public Builder dbUser(String value) {
            dbUser = value;
            return this;
        }

        public Builder dbName(String value) {
            dbName = value;
            return this;
        }

        public Builder serverLog(String value) {
            serverLog = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder reconnectTimeout(Duration value) {
            reconnectTimeout = value;
            return this;
        }

        public BackupRequest build() {
            return new BackupRequest(target, credentials, hostKeyPolicy, pgdata, dest, pgBin, stopMode, stopTimeout,
                    startTimeout, activeSessions, maxDowntime, stopCommand, startCommand, dbUser, dbName, serverLog,
                    connectTimeout, reconnectTimeout);
        }
    }
}
