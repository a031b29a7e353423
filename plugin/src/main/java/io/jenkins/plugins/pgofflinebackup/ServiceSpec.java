package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.postgres.StopMode;
import java.io.Serializable;
import java.time.Duration;

/**
 * How a job stops, starts and talks to PostgreSQL, checked: the part backup and restore share.
 * Null values leave the engine's defaults in force ({@link JobSettingsBuilder}).
 */
record ServiceSpec(@CheckForNull String pgBin, @CheckForNull StopMode stopMode, @CheckForNull Duration stopTimeout,
        @CheckForNull Duration startTimeout, @CheckForNull String activeSessions, @CheckForNull Duration maxDowntime,
        @CheckForNull String stopCommand, @CheckForNull String startCommand, @CheckForNull String dbUser,
        @CheckForNull String dbName, @CheckForNull String serverLog, @CheckForNull ServiceManager service,
        boolean sudo) implements Serializable {

    private static final long serialVersionUID = 1L;

    <B extends JobSettingsBuilder<B>> B applyTo(B builder) {
        builder.pgBin(pgBin).maxDowntime(maxDowntime).serviceCommands(stopCommand, startCommand).dbUser(dbUser)
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
        if (service != null) {
            builder.serviceManager(service);
        }
        builder.sudo(sudo);
        return builder;
    }

    /**
     * How long to wait for the engine to report after an abort: long enough for the runner to
     * abandon the copy and bring PostgreSQL back, with a margin for reconnecting.
     */
    Duration abortGrace() {
        Duration stop = stopTimeout == null ? Duration.ofSeconds(60) : stopTimeout;
        Duration start = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
        return stop.plus(start).plusMinutes(2);
    }
}
