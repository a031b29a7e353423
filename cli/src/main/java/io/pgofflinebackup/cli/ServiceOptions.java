package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.util.Durations;
import picocli.CommandLine.Option;

/** How backup and restore stop, start and talk to the cluster. */
final class ServiceOptions {
    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory of pg_ctl, pg_controldata, pg_isready, psql (default: found from the version).")
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
            description = "Connected clients: refuse and list them (default; after a second look half a second"
                    + " later, for clients just leaving), wait for them to leave, or proceed.")
    String activeSessions;

    @Option(names = "--max-downtime", paramLabel = "DURATION",
            description = "Abandon the copy and bring PostgreSQL back when it has been down this long.")
    String maxDowntime;

    @Option(names = "--service", defaultValue = "auto", paramLabel = "auto|pg_ctl|pg_ctlcluster|systemd|custom",
            description = "How PostgreSQL is stopped and started (default: ${DEFAULT-VALUE}: the systemd unit whose "
                    + "main process is the postmaster, else the pg_lsclusters cluster of PGDATA, else pg_ctl; "
                    + "custom: --stop-command and --start-command).")
    String service;

    @Option(names = "--sudo",
            description = "Act through sudo -n (never a password prompt): as the cluster owner when logged in as "
                    + "someone else (sudoers: LOGIN ALL=(OWNER) NOPASSWD: /bin/sh), and systemctl as root.")
    boolean sudo;

    @Option(names = "--stop-command", paramLabel = "CMD", description = "Command that stops PostgreSQL (with --start-command).")
    String stopCommand;

    @Option(names = "--start-command", paramLabel = "CMD", description = "Command that starts PostgreSQL (with --stop-command).")
    String startCommand;

    @Option(names = "--db-user", paramLabel = "ROLE",
            description = "Role for listing sessions and SELECT 1 over the local socket (default: PGDATA's owner).")
    String dbUser;

    @Option(names = "--db-name", defaultValue = "postgres", paramLabel = "DB",
            description = "Database to connect to (default: ${DEFAULT-VALUE}).")
    String dbName;

    @Option(names = "--server-log", paramLabel = "FILE",
            description = "Where pg_ctl sends the server's output when we start it "
                    + "(default: ~/.pg-offline-backup/logs/ on the host).")
    String serverLog;

    /** Sets the service part of a request; throws UsageError for bad values. */
    <B extends JobSettingsBuilder<B>> B apply(B builder) {
        try {
            return builder.pgBin(pgBin)
                    .stopMode(StopMode.parse(stopMode))
                    .stopTimeout(Durations.parse(stopTimeout))
                    .startTimeout(Durations.parse(startTimeout))
                    .activeSessions(ActiveSessionPolicy.parse(activeSessions))
                    .maxDowntime(maxDowntime == null ? null : Durations.parse(maxDowntime))
                    .serviceCommands(stopCommand, startCommand)
                    .serviceManager(ServiceManager.parse(service))
                    .sudo(sudo)
                    .dbUser(dbUser)
                    .dbName(dbName)
                    .serverLog(serverLog);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
