package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/** One verification seen from the controller, through an {@link EngineSession}. */
final class VerifySession {
    /** Closing the connection ends a verification at once; this only covers a slow channel. */
    private static final Duration ABORT_GRACE = Duration.ofMinutes(2);

    private final VerifySpec spec;
    private final HostKeySpec hostKey;
    private final EngineHost engine;
    private final EngineSession session;

    VerifySession(VerifySpec spec, HostKeySpec hostKey, Run<?, ?> run, TaskListener listener, EngineHost engine,
            CredentialsLookup.Resolver credentials) {
        this.spec = spec;
        this.hostKey = hostKey;
        this.engine = engine;
        this.session = new EngineSession(spec.connection(), hostKey, run, listener, engine, ABORT_GRACE,
                new Texts(spec), credentials);
    }

    VerifyOutcome run(Consumer<JobStatus> status) throws IOException, InterruptedException {
        VerifyOutcome outcome = session.run(
                Messages.VerifySession_start(spec.backup(), spec.host(), engine.describe(), hostKey.describe()),
                (key, login, check) -> new RemoteVerify(key, spec, login, check, session.listener()), status);
        session.finish(outcome.message());
        return outcome;
    }

    void requestAbort() {
        session.requestAbort();
    }

    /** A verification's words: it only reads, so an abort or a lost agent leaves nothing to look after. */
    private record Texts(VerifySpec spec) implements EngineSession.Texts {
        @Override
        public String abortSent() {
            return Messages.VerifySession_abortSent(spec.host());
        }

        @Override
        public String abortFailed(String reason) {
            return Messages.VerifySession_abortFailed(spec.host(), reason);
        }

        @Override
        public String abortNoAnswer(long seconds, @CheckForNull String runId) {
            return Messages.VerifySession_abortNoAnswer(spec.host(), seconds);
        }

        @Override
        public String lostEngine(String engine, @CheckForNull String runId, String reason) {
            return Messages.VerifySession_lostEngine(spec.host(), engine, reason);
        }
    }
}
