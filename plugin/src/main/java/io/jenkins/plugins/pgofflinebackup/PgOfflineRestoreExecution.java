package io.jenkins.plugins.pgofflinebackup;

import static io.jenkins.plugins.pgofflinebackup.SavedDuration.duration;
import static io.jenkins.plugins.pgofflinebackup.SavedDuration.millis;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.pgofflinebackup.restore.RestoreJob;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.springframework.security.core.Authentication;

/**
 * Runs {@code pgOfflineRestore} on a thread of its own, since a step may not block the Pipeline's
 * thread, and survives a controller restart.
 *
 * <p>Its saved state holds only what names the restore and how to reach it again: host, port,
 * credentials id, host key check, PGDATA, sudo, time-outs, the backup (as given, and as resolved to
 * a directory, with the build that recorded it), the node the engine ran on and, once the runner
 * has started, the restore's run. No secret: credentials are looked up again for the build. After a
 * restart {@link #onResume()} re-attaches to the runner on the database host, from the same agent
 * (or the controller, outside {@code node}), follows the restore to its end and records it as if
 * nothing had happened. The runner needs nobody meanwhile: it finishes the restore, or rolls back to
 * the original data directory and starts PostgreSQL from it.
 */
public final class PgOfflineRestoreExecution extends StepExecution {
    // 2: saves what a re-attach needs. A step saved by version 1 could not re-attach, and failed on resume anyway.
    private static final long serialVersionUID = 2L;

    private final String host;
    private final int port;
    private final String credentialsId;
    private final String pgdata;
    private final String backup;
    @CheckForNull
    private final String backupHost;
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
    private volatile String restoredFrom;
    @CheckForNull
    private volatile String recordedBy;
    @CheckForNull
    private volatile String runId;
    @CheckForNull
    private volatile String runDir;
    @CheckForNull
    private volatile String phase;

    // Only while this JVM runs the step; onResume rebuilds what it needs from the fields above.
    private transient RestoreSpec spec;
    private transient HostKeySpec hostKey;
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
        this.port = spec.connection().port();
        this.credentialsId = spec.connection().credentialsId();
        this.pgdata = spec.pgdata();
        this.backup = spec.backup();
        this.backupHost = spec.backupHost();
        this.sudo = spec.service().sudo();
        this.hostKeyKind = hostKey.kind().name();
        this.knownHostsFile = hostKey.knownHostsFile();
        this.fingerprint = hostKey.fingerprint();
        this.connectTimeoutMillis = millis(spec.connection().connectTimeout());
        this.reconnectTimeoutMillis = millis(spec.connection().reconnectTimeout());
        this.stopTimeoutMillis = millis(spec.service().stopTimeout());
        this.startTimeoutMillis = millis(spec.service().startTimeout());
        this.finished = new AtomicBoolean();
    }

    @Override
    public boolean start() {
        // The Pipeline's thread runs as the build's authentication; the backup job is read as it.
        authentication = Jenkins.getAuthentication2();
        jenkins = Jenkins.getInstanceOrNull();
        task = Threads.POOL.submit(() -> runRestore(null));
        return false;
    }

    /**
     * After a controller restart: re-attach to the restore run the saved run id names. Without an
     * id the restore had not reached its runner, so PostgreSQL was not touched by it (or the id was
     * lost in the seconds between the runner's start and the next status): the step fails, saying
     * what to look for.
     */
    @Override
    public void onResume() {
        finished = new AtomicBoolean();
        jenkins = Jenkins.getInstanceOrNull();
        String id = runId;
        if (id == null) {
            fail(new AbortException(Messages.PgOfflineRestoreExecution_resumedBeforeRunner(host, pgdata, from(),
                    Path.of(pgdata).getFileName(), RestoreSpec.attachOptions(sudo, pgdata))));
            return;
        }
        spec = resumedSpec();
        hostKey = resumedHostKey();
        task = Threads.POOL.submit(() -> runRestore(id));
    }

    /** @param reattachTo the restore run to re-attach to, or null for a new restore */
    private void runRestore(@CheckForNull String reattachTo) {
        try {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            RestoreSpec resolved = reattachTo == null ? resolve(listener) : spec;
            EngineHost engine = engineFor(context, reattachTo);
            engineRanOn(engine.nodeName());
            RestoreSession current = new RestoreSession(resolved, hostKey, run, listener, engine, credentials());
            session = current;
            if (stopCause != null) {
                current.requestAbort();
            }
            RestoreOutcome outcome = reattachTo == null ? current.run(recordedBy, this::heard)
                    : current.reattach(reattachTo, restoredFrom, recordedBy, this::heard);
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

    /** The spec with its backup a directory: a recorded id is looked up as the build's authentication. */
    private RestoreSpec resolve(TaskListener listener) throws AbortException {
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
        recordedBy = resolved.recordedBy();
        return resolved.spec();
    }

    private EngineHost engineFor(StepContext context, @CheckForNull String reattachTo) throws Exception {
        if (reattachTo == null) {
            return EngineHost.forStep(context);
        }
        return EngineHost.forResumedStep(context, engineNode, node -> agentGone(node, reattachTo));
    }

    private String agentGone(String node, String id) {
        return Messages.PgOfflineRestoreExecution_agentGone(node, host, pgdata, from(), id,
                RestoreSpec.attachOptions(sudo, pgdata), logOf(id));
    }

    /** The restore's log on the host: in its run directory, which the engine names beside PGDATA. */
    private String logOf(String id) {
        String dir = runDir;
        return (dir == null ? RestoreJob.runDirectory(pgdata, id) : dir) + "/restore.log";
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
        if (runId == null && status.runId() != null) {
            runId = status.runId();
            runDir = status.runDir();
            // Saved now, so that a controller restart in the middle can re-attach to the run.
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

    @Override
    public String getStatus() {
        String current = phase;
        return Messages.PgOfflineRestoreExecution_status(current == null ? "starting" : current, host, pgdata,
                from(), runId == null ? Messages.Session_idUnknown() : runId);
    }

    /**
     * A safe restart waits until the restore has ended, as it does for a backup, rather than make it
     * re-attach: waiting needs nothing, while a re-attach needs the same agent connected again and the
     * run id saved (it is heard at a status poll, up to a second after the runner started). Re-attaching is
     * for the restart that does not wait: a hard one, or a crash.
     */
    @Override
    public boolean blocksRestart() {
        return task != null && finished != null && !finished.get();
    }

    @CheckForNull
    String runId() {
        return runId;
    }

    /**
     * The spec a re-attach needs: where, how to connect, as whom (sudo), and how long an abort may
     * take. The confirmation was checked when the step started; following the run confirms nothing new.
     */
    RestoreSpec resumedSpec() {
        Connection connection = new Connection(host, port, credentialsId, duration(connectTimeoutMillis),
                duration(reconnectTimeoutMillis));
        ServiceSpec service = new ServiceSpec(null, null, duration(stopTimeoutMillis), duration(startTimeoutMillis),
                null, null, null, null, null, null, null, null, sudo);
        return new RestoreSpec(connection, service, from(), null, pgdata, pgdata, backupHost, null, null);
    }

    HostKeySpec resumedHostKey() {
        return HostKeySpec.restored(hostKeyKind, knownHostsFile, fingerprint);
    }

    /** The backup as resolved to a directory once it is, else as the step was given it. */
    private String from() {
        String resolved = restoredFrom;
        return resolved == null ? backup : resolved;
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
