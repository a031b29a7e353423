package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Job;
import java.util.function.Function;

/**
 * A restore's backup as a directory on the host: given as a path, or looked up by id in the
 * records of a backup job's builds. The lookup is the only place the restore trusts a build record,
 * and it takes nothing from it but a complete backup of the very host being restored.
 *
 * @param recordedBy "job #build" that recorded the backup, when it was picked by id
 */
record BackupResolution(RestoreSpec spec, @CheckForNull String recordedBy, @CheckForNull RecordedBackup backup) {

    /**
     * @param jobs finds a job by full name as the build's authentication may see it, or null
     * @throws AbortException when the job or the backup is not there, or the recorded path is not
     *     usable for this restore
     */
    static BackupResolution resolve(RestoreSpec spec, Function<String, Job<?, ?>> jobs) throws AbortException {
        if (!spec.backupIsRecordedId()) {
            return new BackupResolution(spec, null, null);
        }
        Job<?, ?> job = jobs.apply(spec.backupJob());
        if (job == null) {
            throw new AbortException(Messages.RecordedBackups_noJob(spec.backupJob()));
        }
        RecordedBackup found;
        try {
            found = RecordedBackups.find(job, spec.backupJob(), spec.backup(), spec.host());
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        String problem = RestoreSpec.backupProblem(found.getPath(), null, spec.pgdata());
        if (problem != null) {
            throw new AbortException(Messages.RecordedBackups_unusable(found.getId(), spec.backupJob(), problem));
        }
        return new BackupResolution(spec.withBackupPath(found.getPath()), spec.backupJob() + " #" + found.getBuild(),
                found);
    }

    /** For the build log: which recorded backup the id named. */
    String describe() {
        return backup == null ? spec.backup() : Messages.RecordedBackups_resolved(backup.getId(), recordedBy,
                backup.getPath(), backup.getTime(), backup.getSize());
    }
}
