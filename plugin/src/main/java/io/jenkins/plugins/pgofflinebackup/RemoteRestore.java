package io.jenkins.plugins.pgofflinebackup;

import hudson.AbortException;
import hudson.model.TaskListener;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import java.io.IOException;

/**
 * Runs one restore with the engine in the JVM of {@link EngineHost}. Once its runner has started
 * on the host, the runner finishes the restore or rolls back to the original data directory by
 * itself, whatever happens to this side.
 */
final class RemoteRestore extends RemoteJob<RestoreOutcome> {
    private static final long serialVersionUID = 1L;

    private final RestoreSpec spec;

    RemoteRestore(String key, RestoreSpec spec, SshLogin login, HostKeySpec hostKey, TaskListener listener) {
        super(key, "pgOfflineRestore", spec.connection(), login, hostKey, listener);
        this.spec = spec;
    }

    @Override
    RestoreOutcome run(Login login, ProgressListener listener, ActiveJobs.Entry entry) throws IOException {
        RestoreRequest request;
        try {
            request = spec.toRequest(login.user(), login.credentials(), login.hostKeyPolicy());
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        RestoreJob job = new RestoreJob(request, listener);
        entry.onAbort(job::abort);
        return RestoreOutcome.of(job.run());
    }
}
