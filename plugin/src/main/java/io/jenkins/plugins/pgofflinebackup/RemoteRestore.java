package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.TaskListener;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import java.io.IOException;

/**
 * Runs one restore with the engine in the JVM of {@link EngineHost}, or follows one an earlier
 * session started (after a controller restart). Once its runner has started on the host, the
 * runner finishes the restore or rolls back to the original data directory by itself, whatever
 * happens to this side.
 */
final class RemoteRestore extends RemoteJob<RestoreOutcome> {
    private static final long serialVersionUID = 1L;

    private final RestoreSpec spec;
    @CheckForNull
    private final String reattachTo;

    private RemoteRestore(String key, RestoreSpec spec, @CheckForNull String reattachTo, SshLogin login,
            HostKeySpec hostKey, TaskListener listener) {
        super(key, "pgOfflineRestore", spec.connection(), login, hostKey, listener);
        this.spec = spec;
        this.reattachTo = reattachTo;
    }

    /** A new restore. */
    static RemoteRestore start(String key, RestoreSpec spec, SshLogin login, HostKeySpec hostKey,
            TaskListener listener) {
        return new RemoteRestore(key, spec, null, login, hostKey, listener);
    }

    /** Follows the restore run {@code runId} of the spec's PGDATA to its end, or reports how it ended. */
    static RemoteRestore reattach(String key, RestoreSpec spec, String runId, SshLogin login, HostKeySpec hostKey,
            TaskListener listener) {
        return new RemoteRestore(key, spec, runId, login, hostKey, listener);
    }

    /** The restore run this follows, or null for a new restore. */
    @CheckForNull
    String reattachTo() {
        return reattachTo;
    }

    RestoreSpec spec() {
        return spec;
    }

    @Override
    RestoreOutcome run(Login login, ProgressListener listener, ActiveJobs.Entry entry) throws IOException {
        if (reattachTo != null) {
            // A run started with sudo keeps its files as the cluster owner: follow it as that owner too.
            RestoreJob job = RestoreJob.forReattach(
                    connection().settings(login.user(), login.credentials(), login.hostKeyPolicy()),
                    spec.service().sudo(), listener);
            entry.onAbort(job::abort);
            return RestoreOutcome.of(job.reattach(spec.pgdata(), reattachTo));
        }
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
