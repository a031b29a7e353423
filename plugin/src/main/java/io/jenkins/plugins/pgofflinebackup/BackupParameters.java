package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * The configuration the Pipeline step and the freestyle build step share, field for field, so that
 * both map to the engine in one place ({@link BackupSpec#of}). Optional values are null when not
 * set, which means the engine's default.
 */
public interface BackupParameters {
    String getHost();

    String getCredentialsId();

    String getPgdata();

    String getDest();

    int getPort();

    @CheckForNull
    HostKeyVerification getHostKeyVerification();

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

    @CheckForNull
    String getConnectTimeout();

    @CheckForNull
    String getReconnectTimeout();
}
