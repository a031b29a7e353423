package io.jenkins.plugins.pgofflinebackup;

import static io.jenkins.plugins.pgofflinebackup.SavedDuration.duration;
import static io.jenkins.plugins.pgofflinebackup.SavedDuration.millis;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code pgOfflineBackup} on a thread of its own, since a step may not block the Pipeline's
 * thread, and survives a controller restart.
 *
 * <p>Its saved state holds only what names the backup and how to reach it again: host, port,
 * credentials id, host key check, PGDATA, destination, time-outs, the node the engine ran on and,
 * once the engine has announced it, the backup id. No secret: credentials are looked up again for
 * the build. After a restart {@link #onResume()} re-attaches to the runner on the database host,
 * from the same agent (or the controller, outside {@code node}), follows the backup to its end
 * and records it as if nothing had happened. The runner needs nobody meanwhile: it finishes the
 * backup, or abandons it and starts PostgreSQL again.
 */
public final class PgOfflineBackupExecution extends StepExecution {
    private static final long serialVersionUID = 2L;

    private final String host;
    private final int port;
    private final String credentialsId;
    private final String pgdata;
    private final String dest;
    // A run started through sudo belongs to the cluster owner: re-attaching acts as that owner too.
    private final boolean sudo;
    private final String hostKeyKind;
    @CheckForNull
    private final String knownHostsFile;
    @CheckForNull
    private final String fingerprint;
    private final long connectTimeoutMillis;
    private final long reconnectTimeoutMillis;
    private final long stopTimeoutMillis;
    private final long startTimeoutMillis;
    // Where the engine ran: null until known, "" for the controller outside node, else the node's name.
    @CheckForNull
    private volatile String engineNode;
    @CheckForNull
    private volatile String backupId;
    @CheckForNull
    private volatile String phase;

    // Only while this JVM runs the step; onResume rebuilds what it needs from the fields above.
    private transient BackupSpec spec;
    private transient HostKeySpec hostKey;
    private transient volatile BackupSession session;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient AtomicBoolean finished;
    private transient CredentialsLookup.Resolver credentials;
    // The Jenkins this execution runs in. A follower left running by an earlier Jenkins in the same
    // JVM (a test harness restarts Jenkins that way) must not complete the step the resumed
    // execution now follows; a real restart ends the JVM, and with it such a follower.
    private transient Jenkins jenkins;

    PgOfflineBackupExecution(StepContext context, BackupSpec spec, HostKeySpec hostKey) {
        super(context);
        this.spec = spec;
        this.hostKey = hostKey;
        this.host = spec.host();
        this.port = spec.port();
        this.credentialsId = spec.credentialsId();
        this.pgdata = spec.pgdata();
        this.dest = spec.dest();
        this.sudo = spec.sudo();
        this.hostKeyKind = hostKey.kind().name();
        this.knownHostsFile = hostKey.knownHostsFile();
        this.fingerprint = hostKey.fingerprint();
        this.connectTimeoutMillis = millis(spec.connectTimeout());
        this.reconnectTimeoutMillis = millis(spec.reconnectTimeout());
        this.stopTimeoutMillis = millis(spec.stopTimeout());
        this.startTimeoutMillis = millis(spec.startTimeout());
        this.finished = new AtomicBoolean();
    }

    @Override
    public boolean start() {
        jenkins = Jenkins.getInstanceOrNull();
        task = Threads.POOL.submit(() -> runBackup(null));
        return false;
    }

    /**
     * After a controller restart: re-attach to the run the saved backup id names. Without an id
     * the backup had not reached its runner, so PostgreSQL was not touched by it (or the id was
     * lost in the seconds between the runner's start and the next status): the step fails, saying
     * how to look.
     */
    @Override
    public void onResume() {
        finished = new AtomicBoolean();
        jenkins = Jenkins.getInstanceOrNull();
        String id = backupId;
        if (id == null) {
            fail(new AbortException(Messages.PgOfflineBackupExecution_resumedWithoutId(host, pgdata, dest,
                    sudo ? "--sudo " : "")));
            return;
        }
        spec = resumedSpec();
        hostKey = resumedHostKey();
        task = Threads.POOL.submit(() -> runBackup(id));
    }

    /** @param reattachTo the backup id to re-attach to, or null for a new backup */
    private void runBackup(@CheckForNull String reattachTo) {
        try {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            EngineHost engine = engineFor(context, reattachTo);
            engineRanOn(engine.nodeName());
            BackupSession current = new BackupSession(spec, hostKey, run, listener, engine, credentials());
            session = current;
            if (stopCause != null) {
                current.requestAbort();
            }
            BackupOutcome outcome = reattachTo == null ? current.run(this::heard)
                    : current.reattach(reattachTo, this::heard);
            Throwable stopped = stopCause;
            if (stopped != null) {
                fail(stopped);
            } else if (outcome.ok()) {
                succeed(outcome);
            } else {
                fail(new AbortException(outcome.failureMessage()));
            }
        } catch (Throwable t) {
            // Whatever went wrong, the step must end: a step that never calls back hangs its build.
            fail(stopCause != null ? stopCause : t);
        }
    }

    private EngineHost engineFor(StepContext context, @CheckForNull String reattachTo) throws Exception {
        if (reattachTo == null) {
            return EngineHost.forStep(context);
        }
        return EngineHost.forResumedStep(context, engineNode, node -> Messages.PgOfflineBackupExecution_agentGone(node,
                host, reattachTo, BackupSpec.attachOptions(sudo, pgdata, dest)));
    }

    /** For unit tests, which have no credentials store: where the login comes from. */
    void useCredentials(CredentialsLookup.Resolver resolver) {
        credentials = resolver;
    }

    private CredentialsLookup.Resolver credentials() {
        return credentials == null ? CredentialsLookup.JENKINS : credentials;
    }

    /** Remembers where the engine runs, so that a re-attach after a restart runs there again. */
    void engineRanOn(@CheckForNull String nodeName) {
        engineNode = nodeName == null ? "" : nodeName;
    }

    void heard(JobStatus status) {
        phase = status.describe();
        if (backupId == null && status.runId() != null) {
            backupId = status.runId();
            // Saved now, so that a controller restart in the middle can re-attach to the run.
            getContext().saveState();
        }
    }

    /**
     * The Abort button: the engine abandons the copy and the runner starts PostgreSQL again. The
     * step ends when the engine has said so, or after a grace period if it does not answer.
     */
    @Override
    public void stop(@NonNull Throwable cause) {
        stopCause = cause;
        BackupSession current = session;
        if (current == null) {
            // Not started yet (still looking up credentials): nothing on the host to stop.
            Future<?> pending = task;
            if (pending != null) {
                pending.cancel(true);
            }
            fail(cause);
            return;
        }
        Threads.POOL.submit(current::requestAbort);
        Threads.TIMER.schedule(() -> fail(cause), spec.abortGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String getStatus() {
        String current = phase;
        return Messages.PgOfflineBackupExecution_status(current == null ? "starting" : current, host, pgdata,
                backupId == null ? Messages.Session_idUnknown() : backupId);
    }

    /** A safe restart waits until the backup has ended, rather than make it re-attach. */
    @Override
    public boolean blocksRestart() {
        return task != null && finished != null && !finished.get();
    }

    @CheckForNull
    String backupId() {
        return backupId;
    }

    /** The spec a re-attach needs: where, how to connect, and how long an abort may take. */
    BackupSpec resumedSpec() {
        return new BackupSpec(host, port, credentialsId, pgdata, dest, null, null, duration(stopTimeoutMillis),
                duration(startTimeoutMillis), null, null, null, null, null, null, null, duration(connectTimeoutMillis),
                duration(reconnectTimeoutMillis), null, sudo, null, false, 0, null, null, null, null);
    }

    HostKeySpec resumedHostKey() {
        return HostKeySpec.restored(hostKeyKind, knownHostsFile, fingerprint);
    }

    private boolean stillOurs() {
        return Jenkins.getInstanceOrNull() == jenkins;
    }

    private void succeed(BackupOutcome outcome) {
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
