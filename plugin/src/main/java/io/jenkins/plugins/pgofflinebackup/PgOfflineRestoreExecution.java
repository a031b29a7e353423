package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.springframework.security.core.Authentication;

/**
 * Runs {@code pgOfflineRestore} on a thread of its own. Its saved state holds only what names the
 * restore (host, PGDATA, the backup, and the restore's run once its runner has started), no
 * secret.
 *
 * <p>The engine cannot re-attach to a restore yet, so after a controller restart
 * {@link #onResume()} fails the step and says where to look; the restore itself does not need
 * Jenkins: its runner finishes it, or rolls back to the original data directory. A safe restart
 * waits for the restore ({@link #blocksRestart()}).
 */
public final class PgOfflineRestoreExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String pgdata;
    private final String backup;
    @CheckForNull
    private volatile String restoredFrom;
    @CheckForNull
    private volatile String runId;
    @CheckForNull
    private volatile String runDir;
    @CheckForNull
    private volatile String phase;

    // Only while this JVM runs the step.
    private final transient RestoreSpec spec;
    private final transient HostKeySpec hostKey;
    private transient Authentication authentication;
    private transient volatile RestoreSession session;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient AtomicBoolean finished;
    private transient CredentialsLookup.Resolver credentials;
    // The Jenkins this execution runs in: see PgOfflineBackupExecution.
    private transient Jenkins jenkins;

    PgOfflineRestoreExecution(StepContext context, RestoreSpec spec, HostKeySpec hostKey) {
        super(context);
        this.spec = spec;
        this.hostKey = hostKey;
        this.host = spec.host();
        this.pgdata = spec.pgdata();
        this.backup = spec.backup();
        this.finished = new AtomicBoolean();
    }

    @Override
    public boolean start() {
        // The Pipeline's thread runs as the build's authentication; the backup job is read as it.
        authentication = Jenkins.getAuthentication2();
        jenkins = Jenkins.getInstanceOrNull();
        task = Threads.POOL.submit(this::runRestore);
        return false;
    }

    private void runRestore() {
        try {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            BackupResolution resolved;
            if (spec.backupIsRecordedId()) {
                try (ACLContext ignored = ACL.as2(authentication)) {
                    resolved = BackupResolution.resolve(spec, RecordedBackups::job);
                }
            } else {
                resolved = BackupResolution.resolve(spec, name -> null);
            }
            if (resolved.recordedBy() != null) {
                listener.getLogger().println(resolved.describe());
            }
            restoredFrom = resolved.spec().backup();
            EngineHost engine = EngineHost.forStep(context);
            RestoreSession current = new RestoreSession(resolved.spec(), hostKey, run, listener, engine, credentials());
            session = current;
            if (stopCause != null) {
                current.requestAbort();
            }
            RestoreOutcome outcome = current.run(resolved.recordedBy(), this::heard);
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

    /** For unit tests, which have no credentials store: where the login comes from. */
    void useCredentials(CredentialsLookup.Resolver resolver) {
        credentials = resolver;
    }

    private CredentialsLookup.Resolver credentials() {
        return credentials == null ? CredentialsLookup.JENKINS : credentials;
    }

    void heard(JobStatus status) {
        phase = status.describe();
        if (runId == null && status.runId() != null) {
            runId = status.runId();
            runDir = status.runDir();
            // Saved now, so that after a controller restart the step can say where the restore's log is.
            getContext().saveState();
        }
    }

    /**
     * The Abort button: the runner abandons the copy and rolls back to the original data
     * directory. The step ends when the engine has said so, or after a grace period.
     */
    @Override
    public void stop(@NonNull Throwable cause) {
        stopCause = cause;
        RestoreSession current = session;
        if (current == null) {
            // Not started yet (looking up the backup or credentials): nothing on the host to stop.
            Future<?> pending = task;
            if (pending != null) {
                pending.cancel(true);
            }
            fail(cause);
            return;
        }
        Threads.POOL.submit(current::requestAbort);
        Threads.TIMER.schedule(() -> fail(cause), spec.service().abortGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fails the step, saying how to learn how the restore ended: the engine cannot re-attach to a restore yet. */
    @Override
    public void onResume() {
        finished = new AtomicBoolean();
        jenkins = Jenkins.getInstanceOrNull();
        String from = restoredFrom == null ? backup : restoredFrom;
        String message = runId == null
                ? Messages.PgOfflineRestoreExecution_resumedBeforeRunner(host, pgdata, from,
                        Path.of(pgdata).getFileName())
                : Messages.PgOfflineRestoreExecution_resumed(host, pgdata, from, runId, runDir + "/restore.log");
        fail(new AbortException(message));
    }

    @Override
    public String getStatus() {
        String current = phase;
        return Messages.PgOfflineRestoreExecution_status(current == null ? "starting" : current, host, pgdata,
                restoredFrom == null ? backup : restoredFrom);
    }

    /** A safe restart waits until the restore has ended: it cannot be re-attached to. */
    @Override
    public boolean blocksRestart() {
        return task != null && finished != null && !finished.get();
    }

    @CheckForNull
    String runId() {
        return runId;
    }

    private boolean stillOurs() {
        return Jenkins.getInstanceOrNull() == jenkins;
    }

    private void succeed(RestoreOutcome outcome) {
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
