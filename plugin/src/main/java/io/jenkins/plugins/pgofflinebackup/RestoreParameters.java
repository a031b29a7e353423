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
}
