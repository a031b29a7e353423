package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code pgOfflineVerify} on a thread of its own. A verification only reads, so after a
 * controller restart {@link #onResume()} simply verifies again, from the beginning; the saved
 * state holds what that needs (no secret).
 */
public final class PgOfflineVerifyExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String credentialsId;
    private final String backup;
    @CheckForNull
    private final String pgBin;
    private final String hostKeyKind;
    @CheckForNull
    private final String knownHostsFile;
    @CheckForNull
    private final String fingerprint;
    private final long connectTimeoutMillis;
    private final boolean failOnProblems;
    @CheckForNull
    private volatile String phase;

    private transient VerifySpec spec;
    private transient HostKeySpec hostKey;
    private transient volatile VerifySession session;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient AtomicBoolean finished;
    private transient CredentialsLookup.Resolver credentials;
    // The Jenkins this execution runs in. A follower left running by an earlier Jenkins in the same
    // JVM (a test harness restarts Jenkins that way) must not complete the step the resumed
    // execution now follows; a real restart ends the JVM, and with it such a follower.
    private transient Jenkins jenkins;

    PgOfflineVerifyExecution(StepContext context, VerifySpec spec, HostKeySpec hostKey, boolean failOnProblems) {
        super(context);
        this.spec = spec;
        this.hostKey = hostKey;
        this.host = spec.host();
        this.port = spec.connection().port();
        this.credentialsId = spec.connection().credentialsId();
        this.backup = spec.backup();
        this.pgBin = spec.pgBin();
        this.hostKeyKind = hostKey.kind().name();
        this.knownHostsFile = hostKey.knownHostsFile();
        this.fingerprint = hostKey.fingerprint();
        Duration connect = spec.connection().connectTimeout();
        this.connectTimeoutMillis = connect == null ? 0 : connect.toMillis();
        this.failOnProblems = failOnProblems;
        this.finished = new AtomicBoolean();
    }

    @Override
    public boolean start() {
        jenkins = Jenkins.getInstanceOrNull();
        task = Threads.POOL.submit(this::runVerify);
        return false;
    }

    /** After a controller restart: the verification only read, so it starts over. */
    @Override
    public void onResume() {
        finished = new AtomicBoolean();
        jenkins = Jenkins.getInstanceOrNull();
        spec = new VerifySpec(new Connection(host, port, credentialsId,
                connectTimeoutMillis == 0 ? null : Duration.ofMillis(connectTimeoutMillis), null), backup, pgBin);
        HostKeySpec.Kind kind = HostKeySpec.Kind.valueOf(hostKeyKind);
        hostKey = new HostKeySpec(kind, knownHostsFile, fingerprint,
                kind == HostKeySpec.Kind.TRUST_ON_FIRST_USE ? "" : null);
        task = Threads.POOL.submit(this::runVerify);
    }

    private void runVerify() {
        try {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            VerifySession current = new VerifySession(spec, hostKey, run, listener, EngineHost.forStep(context),
                    credentials());
            session = current;
            if (stopCause != null) {
                current.requestAbort();
            }
            VerifyOutcome outcome = current.run(status -> phase = status.describe());
            Throwable stopped = stopCause;
            if (stopped != null) {
                fail(stopped);
            } else if (!outcome.checked() || (!outcome.valid() && failOnProblems)) {
                fail(new AbortException(outcome.message()));
            } else {
                succeed(outcome);
            }
        } catch (Throwable t) {
            // Whatever went wrong, the step must end: a step that never calls back hangs its build.
            fail(stopCause != null ? stopCause : t);
        }
    }

    /** For unit tests, which have no credentials store: where the login comes from. */
    void useCredentials(CredentialsLookup.Resolver resolver) {
        credentials = resolver;
    }

    private CredentialsLookup.Resolver credentials() {
        return credentials == null ? CredentialsLookup.JENKINS : credentials;
    }

    /** The Abort button: the verification's connection is closed; nothing on the host needs undoing. */
    @Override
    public void stop(@NonNull Throwable cause) {
        stopCause = cause;
        VerifySession current = session;
        if (current == null) {
            Future<?> pending = task;
            if (pending != null) {
                pending.cancel(true);
            }
            fail(cause);
            return;
        }
        Threads.POOL.submit(current::requestAbort);
        Threads.TIMER.schedule(() -> fail(cause), 2, TimeUnit.MINUTES);
    }

    @Override
    public String getStatus() {
        String current = phase;
        return Messages.PgOfflineVerifyExecution_status(current == null ? "starting" : current, host, backup);
    }

    private boolean stillOurs() {
        return Jenkins.getInstanceOrNull() == jenkins;
    }

    private void succeed(VerifyOutcome outcome) {
        if (stillOurs() && finished.compareAndSet(false, true)) {
            getContext().onSuccess(outcome.toStepResult());
        }
    }

    private void fail(Throwable cause) {
        if (stillOurs() && finished.compareAndSet(false, true)) {
            getContext().onFailure(cause);
        }
    }
}
