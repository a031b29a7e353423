package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.pgofflinebackup.restore.RestoreJob;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One restore seen from the controller, for the Pipeline step and the freestyle build step alike:
 * run it (or follow one an earlier session started) through an {@link EngineSession}, and record
 * it on the build.
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
                (key, login, check) -> RemoteRestore.start(key, spec, login, check, listener), status);
        return record(recordedBy, outcome);
    }

    /**
     * Follows the restore run {@code runId} an earlier session started to its end, and records it as
     * {@link #run} would have. The spec's backup is the one that session restored from.
     *
     * @param restoredFrom that backup as the earlier session resolved it, for the step's result and the
     *     build log; null when it was not known, to say what the engine says
     * @param recordedBy for a backup picked by id, "job #build" that recorded it; else null
     */
    RestoreOutcome reattach(String runId, @CheckForNull String restoredFrom, @CheckForNull String recordedBy,
            Consumer<JobStatus> status) throws IOException, InterruptedException {
        RestoreOutcome outcome = session.run(
                Messages.RestoreSession_reattach(spec.where(), runId, engine.describe(), hostKey.describe()),
                (key, login, check) -> RemoteRestore.reattach(key, spec, runId, login, check, listener), status);
        if (restoredFrom != null) {
            // As the engine names it in a run: a backup on a backup host is HOST:PATH.
            outcome = outcome.withRestoredFrom(spec.backupHost() == null ? restoredFrom
                    : spec.backupHost() + ":" + restoredFrom);
        }
        return record(recordedBy, outcome);
    }

    void requestAbort() {
        session.requestAbort();
    }

    boolean wasInterrupted() {
        return session.wasInterrupted();
    }

    private RestoreOutcome record(@CheckForNull String recordedBy, RestoreOutcome outcome) {
        PgOfflineRestoreAction.addTo(run, spec, recordedBy, hostKey, engine.describe(), outcome);
        session.finish(outcome.ok() ? outcome.successMessage() : outcome.failureMessage());
        return outcome;
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
            return Messages.RestoreSession_abortNoAnswer(spec.host(), seconds, howItEnded(runId));
        }

        @Override
        public String lostEngine(String engine, @CheckForNull String runId, String reason) {
            return Messages.RestoreSession_lostEngine(spec.host(), engine, reason, spec.pgdata(), howItEnded(runId));
        }

        /** How to learn how the run ended: follow it by hand once its id is known, else read its log. */
        private String howItEnded(@CheckForNull String runId) {
            if (runId == null) {
                return Messages.RestoreSession_howItEnded(spec.pgdata());
            }
            return Messages.RestoreSession_howItEndedRun(spec.host(), RestoreSpec.attachOptions(spec.service().sudo(),
                    spec.pgdata()), runId, RestoreJob.runDirectory(spec.pgdata(), runId) + "/restore.log");
        }
    }
}
