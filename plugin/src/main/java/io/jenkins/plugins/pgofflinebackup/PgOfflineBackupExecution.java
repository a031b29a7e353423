package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code pgOfflineBackup} on a thread of its own, since a step may not block the Pipeline's
 * thread, and keeps in its saved state only what names the backup: host, PGDATA, destination and,
 * once the engine has announced it, the backup id. No configuration with secrets and no
 * credentials: those are looked up again from the id for every run.
 *
 * <p>After a controller restart the engine's connection is gone and the engine cannot yet re-attach
 * to the runner it started on the database host, so {@link #onResume()} fails the step, naming the
 * run. The runner needs nobody: it finishes the backup, or abandons it and starts PostgreSQL again.
 * A safe restart waits for the backup ({@link #blocksRestart()}).
 */
public final class PgOfflineBackupExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String pgdata;
    private final String dest;
    @CheckForNull
    private volatile String backupId;
    @CheckForNull
    private volatile String phase;

    // Only while this JVM runs the step: a restart leaves them null, and onResume says why.
    private final transient PgOfflineBackupStep step;
    private final transient BackupSpec spec;
    private transient volatile BackupSession session;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient AtomicBoolean finished;

    PgOfflineBackupExecution(StepContext context, PgOfflineBackupStep step, BackupSpec spec) {
        super(context);
        this.step = step;
        this.spec = spec;
        this.host = spec.host();
        this.pgdata = spec.pgdata();
        this.dest = spec.dest();
        this.finished = new AtomicBoolean();
    }

    @Override
    public boolean start() {
        task = Threads.POOL.submit(this::runBackup);
        return false;
    }

    private void runBackup() {
        try {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            FilePath workspace = context.get(FilePath.class);
            EngineHost engine;
            if (workspace == null) {
                engine = EngineHost.controller();
            } else {
                VirtualChannel channel = workspace.getChannel();
                EnvVars env = context.get(EnvVars.class);
                String node = env == null ? null : env.get("NODE_NAME");
                if (channel == null) {
                    throw new AbortException(Messages.PgOfflineBackupBuilder_offline(node));
                }
                engine = EngineHost.agent(channel, node);
            }
            BackupSession current = new BackupSession(spec, step.getHostKeyVerification(), run, listener, engine);
            session = current;
            if (stopCause != null) {
                current.requestAbort();
            }
            BackupOutcome outcome = current.run(this::heard);
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

    void heard(BackupStatus status) {
        phase = status.describe();
        if (backupId == null && status.backupId() != null) {
            backupId = status.backupId();
            // Saved now, so that a controller restart in the middle can still name the run.
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
    public void onResume() {
        String id = backupId == null ? Messages.Session_idUnknown() : backupId;
        getContext().onFailure(new AbortException(Messages.PgOfflineBackupExecution_resumed(host, pgdata, id, dest)));
    }

    @Override
    public String getStatus() {
        String current = phase;
        return Messages.PgOfflineBackupExecution_status(current == null ? "starting" : current, host, pgdata,
                backupId == null ? Messages.Session_idUnknown() : backupId);
    }

    /** A safe restart waits until the backup has ended, rather than cut it off from the build. */
    @Override
    public boolean blocksRestart() {
        return task != null && finished != null && !finished.get();
    }

    @CheckForNull
    String backupId() {
        return backupId;
    }

    private void succeed(BackupOutcome outcome) {
        if (finished.compareAndSet(false, true)) {
            getContext().onSuccess(outcome.toStepResult());
        }
    }

    private void fail(Throwable cause) {
        if (finished.compareAndSet(false, true)) {
            getContext().onFailure(cause);
        }
    }
}
