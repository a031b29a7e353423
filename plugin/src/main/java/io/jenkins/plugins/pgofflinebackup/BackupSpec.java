package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.util.Durations;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A checked backup configuration without secrets, small enough to send to the agent that runs the
 * engine. Null optional values leave the engine's defaults in force, so the defaults live in one
 * place ({@link BackupRequest.Builder}).
 */
record BackupSpec(String host, int port, String credentialsId, String pgdata, String dest,
        @CheckForNull String pgBin, @CheckForNull StopMode stopMode, @CheckForNull Duration stopTimeout,
        @CheckForNull Duration startTimeout, @CheckForNull String activeSessions, @CheckForNull Duration maxDowntime,
        @CheckForNull String stopCommand, @CheckForNull String startCommand, @CheckForNull String dbUser,
        @CheckForNull String dbName, @CheckForNull String serverLog, @CheckForNull Duration connectTimeout,
        @CheckForNull Duration reconnectTimeout) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks and normalizes the configuration.
     *
     * @param expand applied to every text field first: the freestyle build step expands build
     *     variables such as ${DB_HOST}; Pipeline scripts interpolate their own strings
     * @throws IllegalArgumentException naming every problem, worded for the user
     */
    static BackupSpec of(BackupParameters p, UnaryOperator<String> expand) {
        String host = text(p.getHost(), expand);
        String credentialsId = text(p.getCredentialsId(), expand);
        String pgdata = text(p.getPgdata(), expand);
        String dest = text(p.getDest(), expand);
        String pgBin = text(p.getPgBin(), expand);
        String stopMode = text(p.getStopMode(), expand);
        String stopTimeout = text(p.getStopTimeout(), expand);
        String startTimeout = text(p.getStartTimeout(), expand);
        String activeSessions = text(p.getActiveSessions(), expand);
        String maxDowntime = text(p.getMaxDowntime(), expand);
        String stopCommand = text(p.getStopCommand(), expand);
        String startCommand = text(p.getStartCommand(), expand);
        String dbUser = text(p.getDbUser(), expand);
        String dbName = text(p.getDbName(), expand);
        String serverLog = text(p.getServerLog(), expand);
        String connectTimeout = text(p.getConnectTimeout(), expand);
        String reconnectTimeout = text(p.getReconnectTimeout(), expand);

        List<String> problems = new ArrayList<>();
        add(problems, Validation.host(host));
        add(problems, Validation.port(p.getPort()));
        add(problems, Validation.credentialsId(credentialsId));
        add(problems, Validation.requiredPath(Messages.Field_pgdata(), pgdata));
        add(problems, Validation.dest(dest, pgdata));
        add(problems, Validation.optionalPath(Messages.Field_pgBin(), pgBin));
        add(problems, Validation.stopMode(stopMode));
        add(problems, Validation.duration(Messages.Field_stopTimeout(), stopTimeout));
        add(problems, Validation.duration(Messages.Field_startTimeout(), startTimeout));
        add(problems, Validation.activeSessions(activeSessions));
        add(problems, Validation.duration(Messages.Field_maxDowntime(), maxDowntime));
        add(problems, Validation.serviceCommand(Messages.Field_stopCommand(), stopCommand, startCommand));
        add(problems, Validation.oneLine(Messages.Field_startCommand(), startCommand));
        add(problems, Validation.oneLine(Messages.Field_dbUser(), dbUser));
        add(problems, Validation.oneLine(Messages.Field_dbName(), dbName));
        add(problems, Validation.optionalPath(Messages.Field_serverLog(), serverLog));
        add(problems, Validation.duration(Messages.Field_connectTimeout(), connectTimeout));
        add(problems, Validation.duration(Messages.Field_reconnectTimeout(), reconnectTimeout));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join(" ", problems));
        }
        return new BackupSpec(host, p.getPort(), credentialsId, pgdata, dest, pgBin,
                stopMode == null ? null : StopMode.parse(stopMode), duration(stopTimeout), duration(startTimeout),
                activeSessions, duration(maxDowntime), stopCommand, startCommand, dbUser, dbName, serverLog,
                duration(connectTimeout), duration(reconnectTimeout));
    }

    /** The engine request, built where the engine runs, with the secrets that never travel in a spec. */
    BackupRequest toRequest(String user, SshCredentials credentials, HostKeyPolicy hostKeyPolicy) {
        BackupRequest.Builder builder = BackupRequest.builder()
                .target(new SshTarget(host, port, user))
                .credentials(credentials)
                .hostKeyPolicy(hostKeyPolicy)
                .pgdata(pgdata)
                .dest(dest)
                .pgBin(pgBin)
                .maxDowntime(maxDowntime)
                .serviceCommands(stopCommand, startCommand)
                .dbUser(dbUser)
                .serverLog(serverLog);
        if (stopMode != null) {
            builder.stopMode(stopMode);
        }
        if (stopTimeout != null) {
            builder.stopTimeout(stopTimeout);
        }
        if (startTimeout != null) {
            builder.startTimeout(startTimeout);
        }
        if (activeSessions != null) {
            builder.activeSessions(ActiveSessionPolicy.parse(activeSessions));
        }
        if (dbName != null) {
            builder.dbName(dbName);
        }
        if (connectTimeout != null) {
            builder.connectTimeout(connectTimeout);
        }
        if (reconnectTimeout != null) {
            builder.reconnectTimeout(reconnectTimeout);
        }
        return builder.build();
    }

    /**
     * How long to wait for the engine to report after an abort: long enough for the runner to
     * abandon the copy and start PostgreSQL again, with a margin for reconnecting.
     */
    Duration abortGrace() {
        Duration stop = stopTimeout == null ? Duration.ofSeconds(60) : stopTimeout;
        Duration start = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
        return stop.plus(start).plusMinutes(2);
    }

    /** host:PGDATA, for messages. */
    String where() {
        return host + ":" + pgdata;
    }

    @CheckForNull
    private static String text(@CheckForNull String value, UnaryOperator<String> expand) {
        String text = Text.blankToNull(value);
        return text == null ? null : Text.blankToNull(expand.apply(text));
    }

    @CheckForNull
    private static Duration duration(@CheckForNull String text) {
        return text == null ? null : Durations.parse(text);
    }

    private static void add(List<String> problems, @CheckForNull String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }
}
