package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * The configuration of {@code pgOfflineRestore} and of the restore build step, field for field,
 * mapped to the engine in one place ({@link RestoreSpec#of}).
 */
public interface RestoreParameters extends ServiceParameters {
    /** A backup directory on the host, or with {@link #getBackupJob()} the id of a recorded backup. */
    String getBackup();

    /** The job whose builds recorded the backup named by id, or null when the backup is a path. */
    @CheckForNull
    String getBackupJob();

    String getPgdata();

    /** Must repeat PGDATA exactly: the guard against restoring onto the wrong cluster. */
    String getConfirm();

    /** [USER@]HOST[:PORT] of the backup host that holds the backup; null when it is on the database host. */
    default String getBackupHost() {
        return null;
    }

    /** known_hosts file on the database host for the backup host's key; null for ssh's default. */
    default String getBackupHostKnownHosts() {
        return null;
    }

    /** Private key file on the database host that the backup host accepts; null for ssh's default. */
    default String getBackupHostIdentity() {
        return null;
    }
}
