package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.util.Durations;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Options shared by {@code backup} and {@code plan}: the same arguments make the same request. */
final class BackupOptions {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--pgdata", required = true, paramLabel = "DIR", description = "Data directory of the cluster on the host.")
    String pgdata;

    @Option(names = "--dest", required = true, paramLabel = "DIR",
            description = "Existing directory on the host the backup is written into (as DIR/<id>).")
    String dest;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory of pg_ctl, pg_controldata, pg_isready, psql (default: found from PG_VERSION).")
    String pgBin;

    @Option(names = "--stop-mode", defaultValue = "fast", paramLabel = "fast|smart",
            description = "Shutdown mode (default: ${DEFAULT-VALUE}); immediate is refused.")
    String stopMode;

    @Option(names = "--stop-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long the stop may take (default: ${DEFAULT-VALUE}).")
    String stopTimeout;

    @Option(names = "--start-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long the start may take (default: ${DEFAULT-VALUE}).")
    String startTimeout;

    @Option(names = "--active-sessions", defaultValue = "refuse", paramLabel = "refuse|wait:DURATION|proceed",
            description = "Connected clients: refuse and list them (default), wait for them to leave, or proceed.")
    String activeSessions;

    @Option(names = "--max-downtime", paramLabel = "DURATION",
            description = "Abandon the copy and start PostgreSQL again when it has been down this long.")
    String maxDowntime;

    @Option(names = "--stop-command", paramLabel = "CMD", description = "Command that stops PostgreSQL (with --start-command).")
    String stopCommand;

    @Option(names = "--start-command", paramLabel = "CMD", description = "Command that starts PostgreSQL (with --stop-command).")
    String startCommand;

    @Option(names = "--db-user", paramLabel = "ROLE",
            description = "Role for listing sessions and SELECT 1 over the local socket (default: PGDATA's owner).")
    String dbUser;

    @Option(names = "--db-name", defaultValue = "postgres", paramLabel = "DB", description = "Database to connect to (default: ${DEFAULT-VALUE}).")
    String dbName;

    @Option(names = "--server-log", paramLabel = "FILE",
            description = "Where pg_ctl sends the server's output when we start it "
                    + "(default: ~/.pg-offline-backup/logs/ on the host).")
    String serverLog;

    @Option(names = "--reconnect-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long to keep trying to reconnect after the connection drops (default: ${DEFAULT-VALUE}).")
    String reconnectTimeout;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    BackupRequest toRequest(Map<String, String> environment) {
        try {
            return BackupRequest.builder()
                    .target(connection.target())
                    .credentials(connection.credentials(environment))
                    .hostKeyPolicy(connection.hostKeyPolicy())
                    .connectTimeout(Durations.parse(connection.connectTimeout))
                    .pgdata(pgdata)
                    .dest(dest)
                    .pgBin(pgBin)
                    .stopMode(StopMode.parse(stopMode))
                    .stopTimeout(Durations.parse(stopTimeout))
                    .startTimeout(Durations.parse(startTimeout))
                    .activeSessions(ActiveSessionPolicy.parse(activeSessions))
                    .maxDowntime(maxDowntime == null ? null : Durations.parse(maxDowntime))
                    .serviceCommands(stopCommand, startCommand)
                    .dbUser(dbUser)
                    .dbName(dbName)
                    .serverLog(serverLog)
                    .reconnectTimeout(Durations.parse(reconnectTimeout))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
