package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One restore seen from the controller, for the Pipeline step and the freestyle build step alike:
 * run it through an {@link EngineSession} and record it on the build.
 */
final class RestoreSession {
    private final RestoreSpec spec;
    private final HostKeySpec hostKey;
    private final Run<?, ?> run;
    private final TaskListener listener;
    private final EngineHost engine;
    private final EngineSession session;

    /** @param spec with the backup already a path (a recorded id resolved) */
    RestoreSession(RestoreSpec spec, HostKeySpec hostKey, Run<?, ?> run, TaskListener listener, EngineHost engine,
            CredentialsLookup.Resolver credentials) {
        this.spec = spec;
        this.hostKey = hostKey;
        this.run = run;
        this.listener = listener;
        this.engine = engine;
        this.session = new EngineSession(spec.connection(), hostKey, run, listener, engine,
                spec.service().abortGrace(), new Texts(spec), credentials);
    }

    /**
     * Runs the restore and records it on the build. An interrupt becomes an abort request: the
     * runner abandons the copy and rolls back, and this waits for it to say so.
     *
     * @param recordedBy for a backup picked by id, "job #build" that recorded it; else null
     * @param status hears the restore's phase and run while it runs
     */
    RestoreOutcome run(@CheckForNull String recordedBy, Consumer<JobStatus> status)
            throws IOException, InterruptedException {
        RestoreOutcome outcome = session.run(
                Messages.RestoreSession_start(spec.backup(), spec.where(), engine.describe(), hostKey.describe()),
                (key, login, check) -> new RemoteRestore(key, spec, login, check, listener), status);
        PgOfflineRestoreAction.addTo(run, spec, recordedBy, hostKey, engine.describe(), outcome);
        session.finish(outcome.ok() ? outcome.successMessage() : outcome.failureMessage());
        return outcome;
    }

    void requestAbort() {
        session.requestAbort();
    }

    boolean wasInterrupted() {
        return session.wasInterrupted();
    }

    /** A restore's words for an abort and a lost agent. */
    private record Texts(RestoreSpec spec) implements EngineSession.Texts {
        @Override
        public String abortSent() {
            return Messages.RestoreSession_abortSent(spec.host(), spec.pgdata());
        }

        @Override
        public String abortFailed(String reason) {
            return Messages.RestoreSession_abortFailed(spec.host(), reason);
        }

        @Override
        public String abortNoAnswer(long seconds, @CheckForNull String runId) {
            return Messages.RestoreSession_abortNoAnswer(spec.host(), seconds, spec.pgdata());
        }

        @Override
        public String lostEngine(String engine, @CheckForNull String runId, String reason) {
            return Messages.RestoreSession_lostEngine(spec.host(), engine, reason, spec.pgdata());
        }
    }
}
