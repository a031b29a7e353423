package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * How a job that stops PostgreSQL stops, starts and talks to it, and follows the runner on the
 * host: the fields backup and restore share. Null values leave the engine's defaults in force.
 */
public interface ServiceParameters extends ConnectionParameters {
    @CheckForNull
    String getStopMode();

    @CheckForNull
    String getStopTimeout();

    @CheckForNull
    String getStartTimeout();

    @CheckForNull
    String getActiveSessions();

    @CheckForNull
    String getMaxDowntime();

    @CheckForNull
    String getStopCommand();

    @CheckForNull
    String getStartCommand();

    @CheckForNull
    String getDbUser();

    @CheckForNull
    String getDbName();

    @CheckForNull
    String getPgBin();

    @CheckForNull
    String getServerLog();

    /** auto, pg_ctl, pg_ctlcluster, systemd or custom; null for auto. */
    @CheckForNull
    String getService();

    boolean isSudo();

    @CheckForNull
    String getReconnectTimeout();
}
