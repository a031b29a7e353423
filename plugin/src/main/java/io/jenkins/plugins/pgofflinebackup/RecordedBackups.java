package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Job;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.access.AccessDeniedException;

/**
 * The complete backups a job's builds recorded ({@link PgOfflineBackupAction}s), newest first:
 * what a restore picks from by id, and what the backup parameter lists. Reads the builds as the
 * current user may see them, so it shows nobody a job they cannot read.
 */
final class RecordedBackups {
    /** Builds looked at, at most: older builds are rarely wanted, and loading them all is slow. */
    static final int SCAN_LIMIT = 500;

    private RecordedBackups() {
    }

    /** The job by its full name, or null when there is none the current user may read. */
    @CheckForNull
    static Job<?, ?> job(@CheckForNull String fullName) {
        if (fullName == null || fullName.isBlank()) {
            return null;
        }
        try {
            return Jenkins.get().getItemByFullName(fullName.strip(), Job.class);
        } catch (AccessDeniedException e) {
            // May discover but not read: the same as no such job, for this user.
            return null;
        }
    }

    /**
     * The complete backups of the job's builds, newest first.
     *
     * @param host only backups of this host, or null for all
     * @param max how many at most
     */
    static List<RecordedBackup> list(Job<?, ?> job, @CheckForNull String host, int max) {
        List<RecordedBackup> found = new ArrayList<>();
        int scanned = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && scanned < SCAN_LIMIT && found.size() < max;
                run = run.getPreviousBuild()) {
            scanned++;
            // A build that backed up several hosts recorded them in order; newest first within it too.
            List<PgOfflineBackupAction> actions = new ArrayList<>(run.getActions(PgOfflineBackupAction.class));
            for (int i = actions.size() - 1; i >= 0 && found.size() < max; i--) {
                PgOfflineBackupAction action = actions.get(i);
                if (complete(action) && (host == null || host.equals(action.getHost()))) {
                    found.add(RecordedBackup.of(action, run));
                }
            }
        }
        return found;
    }

    /**
     * The complete backup with this id, of this host.
     *
     * @throws IllegalArgumentException saying why there is none: no such id, or it is another host's
     */
    static RecordedBackup find(Job<?, ?> job, String jobName, String id, String host) {
        RecordedBackup otherHost = null;
        for (RecordedBackup backup : list(job, null, Integer.MAX_VALUE)) {
            if (backup.getId().equals(id)) {
                if (backup.getHost().equals(host)) {
                    return backup;
                }
                otherHost = backup;
            }
        }
        if (otherHost != null) {
            throw new IllegalArgumentException(Messages.RecordedBackups_otherHost(id, jobName, otherHost.getHost(), host));
        }
        throw new IllegalArgumentException(Messages.RecordedBackups_notFound(id, jobName, SCAN_LIMIT));
    }

    private static boolean complete(PgOfflineBackupAction action) {
        return action.isOk() && action.getBackupId() != null && action.getBackupPath() != null;
    }
}
