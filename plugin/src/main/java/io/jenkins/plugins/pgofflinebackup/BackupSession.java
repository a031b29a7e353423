package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.io.PrintStream;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One backup seen from the controller, for the Pipeline step and the freestyle build step alike:
 * resolve the credentials, hand the work to the engine's JVM, wait for it while following its
 * status, pass on an abort, then record the result on the build.
 */
final class BackupSession {
    private static final Logger LOGGER = Logger.getLogger(BackupSession.class.getName());
    private static final long WAIT_MILLIS = 1000;
    private static final long STATUS_MILLIS = 5000;

    private final String key = UUID.randomUUID().toString();
    private final BackupSpec spec;
    private final HostKeyVerification verification;
    private final Run<?, ?> run;
    private final TaskListener listener;
    private final EngineHost engine;

    private volatile Future<BackupOutcome> running;
    private volatile boolean abortRequested;
    private volatile boolean interrupted;
    private volatile String backupId;

    BackupSession(BackupSpec spec, @CheckForNull HostKeyVerification verification, Run<?, ?> run,
            TaskListener listener, EngineHost engine) {
        this.spec = spec;
        this.verification = verification == null ? new KnownHostsFileVerification() : verification;
        this.run = run;
        this.listener = listener;
        this.engine = engine;
    }

    /**
     * Runs the backup and records it on the build. An interrupt (the freestyle build's Abort
     * button) becomes an abort request: the engine abandons the copy and starts PostgreSQL again,
     * and this waits for it to say so before returning, with {@link #wasInterrupted()} true.
     *
     * @param status hears the backup's phase and id while it runs
     * @throws AbortException when the backup could not be started, or no outcome came back
     */
    BackupOutcome run(Consumer<BackupStatus> status) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        HostKeySpec hostKey;
        try {
            hostKey = verification.toSpec();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        TrustedHostKeys trusted = null;
        if (hostKey.kind() == HostKeySpec.Kind.TRUST_ON_FIRST_USE) {
            trusted = TrustedHostKeys.onController();
            hostKey = hostKey.withTrustedKeys(trusted.read());
        }
        SshLogin login = CredentialsLookup.resolve(run, spec.credentialsId(), spec.host(), spec.port());
        log.println(Messages.Session_start(spec.where(), spec.dest(), engine.describe(), hostKey.describe()));
        if (login.keyCount() > 1) {
            log.println(Messages.Session_firstKeyOnly(spec.credentialsId(), login.keyCount()));
        }
        if (!hostKey.verifies()) {
            log.println(Messages.Session_insecure(spec.host()));
        }
        BackupOutcome outcome;
        try {
            running = engine.submit(new RemoteBackup(key, spec, login, hostKey, listener));
            if (abortRequested) {
                sendAbort();
            }
            outcome = await(status);
        } finally {
            // In-process the engine ran on this very object; over a channel the agent wiped its copy.
            login.wipe();
        }
        if (trusted != null && outcome.trustedKeys() != null) {
            for (String message : trusted.merge(outcome.trustedKeys())) {
                log.println(message);
            }
        }
        PgOfflineBackupAction.addTo(run, spec, hostKey, engine.describe(), outcome);
        log.println(outcome.ok() ? outcome.successMessage() : outcome.failureMessage());
        if (!hostKey.verifies()) {
            log.println(Messages.Session_insecure(spec.host()));
        }
        return outcome;
    }

    /**
     * Asks the running backup to stop. Safe from any thread, before or after the engine started;
     * the outcome still comes back through {@link #run}.
     */
    void requestAbort() {
        abortRequested = true;
        if (running != null) {
            sendAbort();
        }
    }

    boolean wasInterrupted() {
        return interrupted;
    }

    private void sendAbort() {
        Future<BackupOutcome> future = running;
        if (future == null || future.isDone()) {
            return;
        }
        try {
            engine.call(new BackupControl.Abort(key));
            listener.getLogger().println(Messages.Session_abortSent(spec.host()));
        } catch (IOException e) {
            listener.getLogger().println(Messages.Session_abortFailed(spec.host(), e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.getLogger().println(Messages.Session_abortFailed(spec.host(), e.toString()));
        }
    }

    private BackupOutcome await(Consumer<BackupStatus> status) throws IOException, InterruptedException {
        long nextStatus = System.currentTimeMillis() + STATUS_MILLIS;
        long abortDeadline = Long.MAX_VALUE;
        while (true) {
            try {
                return running.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: fall through to the status poll and the abort deadline.
                LOGGER.log(Level.FINEST, "backup {0} still running", key);
            } catch (ExecutionException e) {
                throw unwrap(e);
            } catch (InterruptedException e) {
                if (interrupted) {
                    // A second interrupt: stop waiting; the runner on the host still restarts PostgreSQL.
                    throw e;
                }
                interrupted = true;
                abortRequested = true;
                abortDeadline = System.currentTimeMillis() + spec.abortGrace().toMillis();
                sendAbort();
            }
            long now = System.currentTimeMillis();
            if (abortRequested && abortDeadline == Long.MAX_VALUE) {
                abortDeadline = now + spec.abortGrace().toMillis();
            }
            if (now > abortDeadline) {
                throw new AbortException(Messages.Session_abortNoAnswer(spec.host(), spec.abortGrace().toSeconds(),
                        spec.dest()));
            }
            if (now >= nextStatus) {
                nextStatus = now + STATUS_MILLIS;
                poll(status);
            }
        }
    }

    private void poll(Consumer<BackupStatus> status) throws InterruptedException {
        try {
            BackupStatus current = engine.call(new BackupControl.Status(key));
            if (current != null) {
                if (current.backupId() != null) {
                    backupId = current.backupId();
                }
                status.accept(current);
            }
        } catch (IOException e) {
            // A missed status only leaves the step's status line older; the outcome still arrives.
            LOGGER.log(Level.FINE, "no status from the backup of " + spec.host(), e);
        }
    }

    private IOException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof AbortException abort) {
            return abort;
        }
        if (cause instanceof IOException io) {
            // Typically the agent went away. The runner on the database host does not need it.
            return new AbortException(Messages.Session_lostEngine(spec.host(), engine.describe(),
                    backupId == null ? Messages.Session_idUnknown() : backupId, io.getMessage(), spec.dest()));
        }
        if (cause instanceof RuntimeException || cause instanceof Error) {
            return new IOException(Messages.Session_engineFailed(spec.host(), cause), cause);
        }
        return new IOException(Messages.Session_engineFailed(spec.host(), String.valueOf(cause)), cause);
    }
}
