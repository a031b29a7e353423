package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One engine job seen from the controller, for every step and build step: resolve the credentials
 * for the build, hand the job to the engine's JVM, wait for it while following its status, pass
 * on an abort, and take back the keys trusted on first use. What the job is and what its outcome
 * means is the caller's ({@link BackupSession}, {@link RestoreSession}, {@link VerifySession}).
 */
final class EngineSession {
    private static final Logger LOGGER = Logger.getLogger(EngineSession.class.getName());
    private static final long WAIT_MILLIS = 1000;
    private static final long STATUS_MILLIS = 5000;
    // Until the engine has announced its run, a controller restart loses the run and the step cannot
    // re-attach to it: poll more often then (one cheap call a second, during the pre-flight only).
    private static final long STATUS_BEFORE_RUN_MILLIS = 1000;

    /** The job's own words for what can happen while it runs. */
    interface Texts {
        String abortSent();

        String abortFailed(String reason);

        /** The engine did not report within the grace period after an abort. */
        String abortNoAnswer(long seconds, @CheckForNull String runId);

        /** The engine's JVM went away (typically the agent) while the job ran. */
        String lostEngine(String engine, @CheckForNull String runId, String reason);
    }

    /** Builds the job for the engine's JVM once the login is known. */
    interface JobFactory<O extends Serializable> {
        RemoteJob<O> create(String key, SshLogin login, HostKeySpec hostKey);
    }

    private final String key = UUID.randomUUID().toString();
    private final Connection connection;
    private final HostKeySpec hostKey;
    private final Run<?, ?> run;
    private final TaskListener listener;
    private final EngineHost engine;
    private final Duration abortGrace;
    private final Texts texts;
    private final CredentialsLookup.Resolver credentials;

    private volatile Future<?> running;
    private volatile boolean abortRequested;
    private volatile boolean interrupted;
    private volatile String runId;

    EngineSession(Connection connection, HostKeySpec hostKey, Run<?, ?> run, TaskListener listener, EngineHost engine,
            Duration abortGrace, Texts texts, CredentialsLookup.Resolver credentials) {
        this.connection = connection;
        this.hostKey = hostKey;
        this.run = run;
        this.listener = listener;
        this.engine = engine;
        this.abortGrace = abortGrace;
        this.texts = texts;
        this.credentials = credentials;
    }

    /**
     * Runs the job and waits for its outcome. An interrupt (the freestyle build's Abort button)
     * becomes an abort request, and this waits for the job to say how it ended, with
     * {@link #wasInterrupted()} true.
     *
     * @param startLine the build log's first line about the job
     * @param status hears the job's phase and run while it runs
     * @throws AbortException when the job could not be started, or no outcome came back
     */
    <O extends Serializable> O run(String startLine, JobFactory<O> factory, Consumer<JobStatus> status)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        HostKeySpec check = hostKey;
        TrustedHostKeys trusted = null;
        if (check.kind() == HostKeySpec.Kind.TRUST_ON_FIRST_USE) {
            trusted = TrustedHostKeys.onController();
            check = check.withTrustedKeys(trusted.read());
        }
        SshLogin login = credentials.resolve(run, connection.credentialsId(), connection.host(), connection.port());
        log.println(startLine);
        if (login.keyCount() > 1) {
            log.println(Messages.Session_firstKeyOnly(connection.credentialsId(), login.keyCount()));
        }
        warnIfInsecure();
        RemoteJob.Returned<O> returned;
        try {
            Future<RemoteJob.Returned<O>> future = engine.submit(factory.create(key, login, check));
            running = future;
            if (abortRequested) {
                sendAbort();
            }
            returned = await(future, status);
        } finally {
            // In-process the engine ran on this very object; over a channel the agent wiped its copy.
            login.wipe();
        }
        if (trusted != null && returned.trustedKeys() != null) {
            for (String message : trusted.merge(returned.trustedKeys())) {
                log.println(message);
            }
        }
        return returned.outcome();
    }

    /** The job's last line in the build log, and the warning again when the host key went unchecked. */
    void finish(String outcomeLine) {
        listener.getLogger().println(outcomeLine);
        warnIfInsecure();
    }

    /**
     * Asks the running job to stop. Safe from any thread, before or after the engine started; the
     * outcome still comes back through {@link #run}.
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

    TaskListener listener() {
        return listener;
    }

    /** The run the engine announced, once it has: a backup id, or a restore's time stamp. */
    @CheckForNull
    String runId() {
        return runId;
    }

    private void warnIfInsecure() {
        if (!hostKey.verifies()) {
            listener.getLogger().println(Messages.Session_insecure(connection.host()));
        }
    }

    private void sendAbort() {
        Future<?> future = running;
        if (future == null || future.isDone()) {
            return;
        }
        try {
            engine.call(new JobControl.Abort(key));
            listener.getLogger().println(texts.abortSent());
        } catch (IOException e) {
            listener.getLogger().println(texts.abortFailed(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.getLogger().println(texts.abortFailed(e.toString()));
        }
    }

    private <O extends Serializable> RemoteJob.Returned<O> await(Future<RemoteJob.Returned<O>> future,
            Consumer<JobStatus> status) throws IOException, InterruptedException {
        long nextStatus = System.currentTimeMillis() + STATUS_BEFORE_RUN_MILLIS;
        long abortDeadline = Long.MAX_VALUE;
        while (true) {
            try {
                return future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: fall through to the status poll and the abort deadline.
                LOGGER.log(Level.FINEST, "job {0} still running", key);
            } catch (ExecutionException e) {
                throw unwrap(e);
            } catch (InterruptedException e) {
                if (interrupted) {
                    // A second interrupt: stop waiting; the runner on the host still looks after PostgreSQL.
                    throw e;
                }
                interrupted = true;
                abortRequested = true;
                abortDeadline = System.currentTimeMillis() + abortGrace.toMillis();
                sendAbort();
            }
            long now = System.currentTimeMillis();
            if (abortRequested && abortDeadline == Long.MAX_VALUE) {
                abortDeadline = now + abortGrace.toMillis();
            }
            if (now > abortDeadline) {
                throw new AbortException(texts.abortNoAnswer(abortGrace.toSeconds(), runId));
            }
            if (now >= nextStatus) {
                poll(status);
                nextStatus = now + (runId == null ? STATUS_BEFORE_RUN_MILLIS : STATUS_MILLIS);
            }
        }
    }

    private void poll(Consumer<JobStatus> status) throws InterruptedException {
        try {
            JobStatus current = engine.call(new JobControl.Status(key));
            if (current != null) {
                if (current.runId() != null) {
                    runId = current.runId();
                }
                status.accept(current);
            }
        } catch (IOException e) {
            // A missed status only leaves the step's status line older; the outcome still arrives.
            LOGGER.log(Level.FINE, "no status from the job on " + connection.host(), e);
        }
    }

    private IOException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof AbortException abort) {
            return abort;
        }
        if (cause instanceof IOException io) {
            // Typically the agent went away. The runner on the database host does not need it.
            return new AbortException(texts.lostEngine(engine.describe(), runId, io.getMessage()));
        }
        return new IOException(Messages.Session_engineFailed(connection.host(), String.valueOf(cause)), cause);
    }
}
