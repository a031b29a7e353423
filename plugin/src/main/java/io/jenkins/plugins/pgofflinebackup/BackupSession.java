package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * One backup seen from the controller, for the Pipeline step and the freestyle build step alike:
 * run it (or follow one an earlier session started) through an {@link EngineSession}, then archive
 * its records and record it on the build.
 */
final class BackupSession {
    private final BackupSpec spec;
    private final HostKeySpec hostKey;
    private final Run<?, ?> run;
    private final TaskListener listener;
    private final EngineHost engine;
    private final EngineSession session;

    BackupSession(BackupSpec spec, HostKeySpec hostKey, Run<?, ?> run, TaskListener listener, EngineHost engine,
            CredentialsLookup.Resolver credentials) {
        this.spec = spec;
        this.hostKey = hostKey;
        this.run = run;
        this.listener = listener;
        this.engine = engine;
        this.session = new EngineSession(spec.connection(), hostKey, run, listener, engine, spec.abortGrace(),
                new Texts(spec), credentials);
    }

    /**
     * Runs the backup and records it on the build. An interrupt (the freestyle build's Abort
     * button) becomes an abort request: the engine abandons the copy and starts PostgreSQL again,
     * and this waits for it to say so before returning, with {@link #wasInterrupted()} true.
     *
     * @param status hears the backup's phase and id while it runs
     */
    BackupOutcome run(Consumer<JobStatus> status) throws IOException, InterruptedException {
        BackupOutcome outcome = session.run(
                Messages.Session_start(spec.where(), spec.dest(), engine.describe(), hostKey.describe()),
                (key, login, check) -> RemoteBackup.start(key, spec, login, check, listener), status);
        return record(outcome);
    }

    /** Follows the backup {@code backupId} an earlier session started to its end, and records it. */
    BackupOutcome reattach(String backupId, Consumer<JobStatus> status) throws IOException, InterruptedException {
        BackupOutcome outcome = session.run(
                Messages.Session_reattach(spec.where(), backupId, spec.dest(), engine.describe(), hostKey.describe()),
                (key, login, check) -> RemoteBackup.reattach(key, spec, backupId, login, check, listener), status);
        return record(outcome);
    }

    void requestAbort() {
        session.requestAbort();
    }

    boolean wasInterrupted() {
        return session.wasInterrupted();
    }

    private BackupOutcome record(BackupOutcome outcome) {
        List<String> archived = RecordArchiver.archive(run, engine, listener, spec.host(), outcome);
        PgOfflineBackupAction.addTo(run, spec, hostKey, engine.describe(), outcome, archived);
        session.finish(outcome.ok() ? outcome.successMessage() : outcome.failureMessage());
        return outcome;
    }

    /** A backup's words for an abort and a lost agent. */
    private record Texts(BackupSpec spec) implements EngineSession.Texts {
        @Override
        public String abortSent() {
            return Messages.Session_abortSent(spec.host());
        }

        @Override
        public String abortFailed(String reason) {
            return Messages.Session_abortFailed(spec.host(), reason);
        }

        @Override
        public String abortNoAnswer(long seconds, @CheckForNull String runId) {
            return Messages.Session_abortNoAnswer(spec.host(), seconds, spec.attachOptions(), id(runId));
        }

        @Override
        public String lostEngine(String engine, @CheckForNull String runId, String reason) {
            return Messages.Session_lostEngine(spec.host(), engine, id(runId), reason, spec.attachOptions());
        }

        private static String id(@CheckForNull String runId) {
            return runId == null ? Messages.Session_idUnknown() : runId;
        }
    }
}
