package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ToolVersion;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.postgres.ClusterInspector;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.pull.PullReceiver;
import io.pgofflinebackup.runner.JobLog;
import io.pgofflinebackup.runner.RunnerLauncher;
import io.pgofflinebackup.runner.RunnerMonitor;
import io.pgofflinebackup.runner.RunnerOutcome;
import io.pgofflinebackup.runner.RunnerParams;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One offline backup, phase by phase: connect, inspect (no downtime), then hand the critical
 * section (stop, copy, verify, start, record) to the runner on the host and follow it.
 * {@link #abort()} may be called from another thread.
 */
public final class BackupJob {
    private static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(10);
    /**
     * How long the runner waits for a --pull-to client whose connection is gone before it gives up
     * and starts PostgreSQL again: a lost connection ends the pull anyway, so waiting longer only
     * lengthens the downtime.
     */
    private static final int PULL_GRACE_SECONDS = 10;

    private final BackupRequest request;
    private final Clock clock;
    private final JobLog log;
    private final AtomicBoolean abortRequested = new AtomicBoolean();
    /** For a copy off the database host (a backup host, or --pull-to): where its run directories live there. */
    private String runRoot;
    /** Where the records of a backup on a backup host are copied before its run directory goes, or null. */
    private Path recordsDir;

    public BackupJob(BackupRequest request, ProgressListener listener) {
        this(request, listener, Clock.systemUTC());
    }

    BackupJob(BackupRequest request, ProgressListener listener, Clock clock) {
        this.request = request;
        this.clock = clock;
        this.log = new JobLog(listener, clock);
    }

    /**
     * A job that only re-attaches ({@link #reattach}) to a run an earlier client started: it needs
     * the connection and the time-outs, not a data directory.
     */
    public static BackupJob forReattach(ConnectionSettings connection, ProgressListener listener) {
        return forReattach(connection, null, listener);
    }

    /**
     * A job that re-attaches to a run started with {@code --sudo}: that run acted as the owner of
     * {@code sudoPgdata}, and its files are that owner's (its directory 0700), so this job acts as
     * that owner too, through the same sudoers rule the backup needed. Null for no sudo.
     */
    public static BackupJob forReattach(ConnectionSettings connection, String sudoPgdata, ProgressListener listener) {
        BackupRequest request = BackupRequest.builder().target(connection.target())
                .credentials(connection.credentials()).hostKeyPolicy(connection.hostKeyPolicy())
                .connectTimeout(connection.connectTimeout()).reconnectTimeout(connection.reconnectTimeout())
                .sudo(sudoPgdata != null).pgdata(sudoPgdata == null ? "/" : sudoPgdata).dest("/").build();
        return new BackupJob(request, listener);
    }

    /**
     * For a backup that goes to a backup host ({@code --dest-host}): once it is sealed, its records
     * ({@link BackupRecords#NAMES}) are copied into {@code dir} on this machine from the runner's
     * directory on the database host, before that goes. They are the only copy this side can reach: the
     * backup host is reached from the database host, with its keys, not from here (a Jenkins agent
     * archives them with the build this way). Ignored for other destinations, whose records the caller
     * reads where the backup is. A failure to copy them is a warning: the backup is complete regardless.
     * Null keeps none (the default).
     */
    public BackupJob keepRecordsIn(Path dir) {
        this.recordsDir = dir;
        return this;
    }

    /** Asks a running backup to stop: the runner abandons the copy and starts PostgreSQL again. */
    public void abort() {
        abortRequested.set(true);
    }

    /** Phases 1 and 2 only: what a backup would do. Never stops anything. */
    public BackupPlan plan() throws JobFailure {
        validate();
        try (SshSession ssh = connect()) {
            return inspect(ssh);
        }
    }

    /** The whole backup. Failures come back as a result, never as an exception. */
    public BackupResult run() {
        String host = request.target().host();
        RemoteRun run = null;
        try {
            validate();
            try (SshSession ssh = connect()) {
                long connectStart = clock.millis();
                BackupPlan plan = inspect(ssh);
                long inspectEnd = clock.millis();
                host = plan.host();
                plan = waitForSessions(ssh, plan);
                failOnProblems(plan);
                reportPreviousRuns(ssh, plan);
                RunnerLauncher launcher = new RunnerLauncher(ssh);
                if (request.destination() instanceof Destination.PulledTo pulled) {
                    return runPull(ssh, plan, launcher, pulled.localDir(), connectStart, inspectEnd);
                }
                if (request.destination() instanceof Destination.OnBackupHost onHost) {
                    run = BackupRunPreparer.prepareOffHost(ssh, request.dest(), runRoot, clock);
                    log.info("backup id " + run.id() + ", copying to the backup host " + onHost.login() + " into "
                            + run.partialDir() + "; the runner's files are in " + run.runDir());
                } else {
                    run = BackupRunPreparer.prepare(ssh, plan.dest(), clock);
                    log.info("backup id " + run.id() + ", copying into " + run.partialDir());
                }
                RunnerParams params = params(plan, run.id(), run.partialDir(), run.finalDir(), run.dest(), connectStart,
                        inspectEnd);
                byte[] logSoFar = log.text().getBytes(StandardCharsets.UTF_8);
                long pid = launcher.launch(run.handle(), run.offHost() ? List.of("runner.sh", "desthost.sh")
                        : List.of("runner.sh"), params, run.partialLog(), logSoFar, "backup");
                log.info("runner started on " + plan.host() + " (pid " + pid + "); it restarts PostgreSQL by itself"
                        + " if anything fails from here on");
                log.runnerStarted(new RunnerInfo("backup", run.id(), plan.host(), run.runDir(), run.partialDir(),
                        pid));
                return follow(ssh, run, pid, logSoFar.length, host, plan.running());
            }
        } catch (JobFailure failure) {
            return BackupResult.failed(failure, host, run == null ? null : run.id(),
                    run == null ? null : run.partialLog(), log.warnings());
        } catch (IOException e) {
            JobFailure failure = new JobFailure(run == null ? ErrorCode.CONNECTION_FAILED : ErrorCode.CONNECTION_LOST,
                    "SSH failure: " + e.getMessage(), null, e);
            return BackupResult.failed(failure, host, run == null ? null : run.id(),
                    run == null ? null : run.partialLog(), log.warnings());
        } catch (RuntimeException e) {
            // A bug of ours. Once the runner is started it protects PostgreSQL by itself; say what we know.
            JobFailure failure = new JobFailure(ErrorCode.INTERNAL, "internal error: " + e + (run == null
                    ? ". PostgreSQL was not touched" : ". The runner on the host goes on by itself; `plan` shows how"
                    + " run " + run.id() + " ended"), null, e);
            return BackupResult.failed(failure, host, run == null ? null : run.id(),
                    run == null ? null : run.partialLog(), log.warnings());
        }
    }

    /** Follows a started runner to its end, and turns what it says into the result. */
    private BackupResult follow(SshSession ssh, RemoteRun run, long pid, long logOffset, String host,
            boolean wasRunning) throws JobFailure, IOException {
        RunnerMonitor monitor = new RunnerMonitor(ssh, run.handle(), pid, logOffset, log,
                request.reconnectTimeout(), request.startTimeout().plus(request.stopTimeout()).plusSeconds(60),
                abortRequested);
        RunnerOutcome outcome = monitor.follow();
        if (!outcome.ok()) {
            throw runnerFailure(outcome, wasRunning, run.dest());
        }
        if (run.offHost() && recordsDir != null) {
            copyRecords(ssh, run.runDir() + "/out");
        }
        new RunnerLauncher(ssh).cleanUp(run.handle());
        Boolean running = "running".equals(outcome.dbState()) ? Boolean.TRUE : wasRunning ? null : Boolean.FALSE;
        return new BackupResult(true, host, run.id(), outcome.done().get("path"), run.manifest(), run.finalLog(),
                outcome.doneNumber("files"), outcome.doneNumber("bytes"), outcome.doneNumber("downtime"), running,
                null, null, log.warnings(), wasRunning, outcome.done().getOrDefault("pg_verifybackup", "unknown"),
                outcome.done().getOrDefault("pg_checksums", "unknown"), outcome.done().getOrDefault("method", "unknown"),
                removed(outcome.done().getOrDefault("removed", "")));
    }

    /**
     * A --pull-to run: claims the id on the host (its run directory) and here (the partial
     * directory), starts the runner, pulls the areas in another thread while following the runner;
     * once the runner has verified the pulled copy against the still source and recorded it, fetches
     * the manifests and the log into the local partial directory and only then gives it its final name.
     */
    private BackupResult runPull(SshSession ssh, BackupPlan plan, RunnerLauncher launcher, Path localDir,
            long connectStart, long inspectEnd) throws JobFailure, IOException {
        PulledBackup.Run run = PulledBackup.claimRemote(ssh, plan.dest(), clock);
        Path localPartial = PulledBackup.claim(localDir, run.id());
        log.info("backup id " + run.id() + ", pulling into " + localPartial + " on this machine");
        RunnerParams params = params(plan, run.id(), run.stageDir(), localDir.resolve(run.id()).toString(),
                plan.dest(), connectStart, inspectEnd);
        byte[] logSoFar = log.text().getBytes(StandardCharsets.UTF_8);
        long pid = launcher.launch(run.handle(), List.of("runner.sh", "pull.sh"), params, run.log(), logSoFar, "backup");
        log.info("runner started on " + plan.host() + " (pid " + pid + "); it restarts PostgreSQL by itself"
                + " if anything fails from here on, this side dying included");
        log.runnerStarted(new RunnerInfo("backup", run.id(), plan.host(), run.runDir(), localPartial.toString(), pid));
        PullReceiver receiver = new PullReceiver(ssh, run.runDir(), localPartial, log::info);
        Thread puller = new Thread(receiver, "pg-offline-backup-pull-" + run.id());
        puller.setDaemon(true);
        puller.start();
        RunnerOutcome outcome;
        try {
            RunnerMonitor monitor = new RunnerMonitor(ssh, run.handle(), pid, logSoFar.length, log,
                    request.reconnectTimeout(), request.startTimeout().plus(request.stopTimeout()).plusSeconds(60),
                    abortRequested);
            outcome = monitor.follow();
        } finally {
            receiver.stop();
        }
        try {
            puller.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean wasRunning = plan.running();
        if (!outcome.ok()) {
            JobFailure failure = runnerFailure(outcome, wasRunning, run.runDir());
            String why = receiver.failure() == null ? "" : " (on this side: " + receiver.failure().getMessage() + ")";
            throw new JobFailure(failure.code(), failure.getMessage() + why + ". What was pulled stays in "
                    + localPartial + ", which is never taken for a backup", failure.databaseRunning(), null);
        }
        if (!receiver.done()) {
            throw new JobFailure(ErrorCode.RUNNER_ERROR, "the runner ended well but this side never completed the pull",
                    null, null);
        }
        Boolean running = "running".equals(outcome.dbState()) ? Boolean.TRUE : wasRunning ? null : Boolean.FALSE;
        PulledBackup.fetchRecord(ssh, run, localPartial);
        ManifestVerdicts.Verdicts verdicts = new PulledCopyChecks(localPartial, plan.pgVersion(), log, clock, running)
                .run(outcome.done().getOrDefault("pg_verifybackup", "unknown"),
                        outcome.done().getOrDefault("pg_checksums", "unknown"));
        Path sealed = PulledBackup.seal(run, localPartial);
        log.info("pulled backup complete and sealed: " + sealed);
        launcher.cleanUp(run.handle());
        return new BackupResult(true, plan.host(), run.id(), sealed.toString(), sealed.resolve("manifest.json").toString(),
                sealed.resolve("backup.log").toString(), outcome.doneNumber("files"), outcome.doneNumber("bytes"),
                outcome.doneNumber("downtime"), running, null, null, log.warnings(), wasRunning,
                verdicts.pgVerifybackup(), verdicts.pgChecksums(), outcome.done().getOrDefault("method", "unknown"),
                List.of());
    }

    /** The ids --keep removed, as the runner lists them: comma-separated, "-" for none. */
    private static List<String> removed(String list) {
        return list.isBlank() || list.equals("-") ? List.of() : List.of(list.split(","));
    }

    /**
     * Re-attaches to the run {@code id} in {@code dest} started by an earlier client (one that died,
     * or a Jenkins controller that restarted), follows it to its end and returns its result. A run
     * that already ended is reported as it ended. The request gives the connection and time-outs.
     */
    public BackupResult reattach(String dest, String id) {
        RemoteRun run = new RemoteRun(dest, id);
        String host = request.target().host();
        try {
            if (!id.matches("[0-9A-Za-z-]+") || !dest.startsWith("/")) {
                throw new JobFailure(ErrorCode.BAD_INPUT, "not a backup id and destination: '" + id + "' in '"
                        + dest + "'");
            }
            try (SshSession ssh = connect()) {
                Probed local = Probed.of(ssh, run);
                host = local.param("host").isEmpty() ? host : local.param("host");
                local.requireReadable(id, dest, request);
                if (local.present()) {
                    log.info("re-attaching to run " + id + " on " + host);
                    return follow(ssh, run, 0, local.logSize(), host, local.wasRunning());
                }
                Probed offHost = offHostRun(ssh, dest, id);
                if (offHost != null) {
                    log.info("re-attaching to run " + id + " on " + host + " (its copy goes to a backup host; the"
                            + " runner's files are in " + offHost.run().runDir() + ")");
                    return follow(ssh, offHost.run(), 0, offHost.logSize(), host, offHost.wasRunning());
                }
                if (local.param("final").equals("yes")) {
                    log.info("run " + id + " had already completed");
                    return completed(ssh, run, host);
                }
                throw new JobFailure(ErrorCode.RUNNER_DIED, local.param("partial").equals("yes")
                        ? "run " + id + " left only an incomplete copy (" + run.partialDir() + ") and no state"
                        : "there is no run " + id + " in " + dest, null, null);
            }
        } catch (JobFailure failure) {
            return BackupResult.failed(failure, host, id, run.partialLog(), log.warnings());
        } catch (IOException | RuntimeException e) {
            JobFailure failure = new JobFailure(ErrorCode.CONNECTION_LOST, "re-attaching to run " + id + " failed: "
                    + e.getMessage() + ". The runner on the host brings PostgreSQL back by itself if anything fails",
                    null, e);
            return BackupResult.failed(failure, host, id, run.partialLog(), log.warnings());
        }
    }

    /**
     * What one exec of lookup.sh's run_state found of a run: whether its directory is there
     * ("run=yes"), the copy_to, dest and was_running lines of its params, "log_size=" the bytes of its
     * log so far, the host's name, whether the completed backup or a partial one is there, and
     * "unreadable=OWNER" when the directory is there but not for the user the commands run as.
     */
    private record Probed(RemoteRun run, HostLookup.Answer answer) {
        static Probed of(SshSession ssh, RemoteRun run) throws IOException {
            List<String> arguments = new ArrayList<>(List.of(run.runDir(), run.handle().paramsFile(), run.manifest(),
                    run.partialDir()));
            arguments.addAll(run.handle().logPaths());
            return new Probed(run, HostLookup.ask(ssh, Duration.ofSeconds(60), "run_state", arguments));
        }

        boolean present() {
            return param("run").equals("yes");
        }

        /**
         * A run whose directory the commands cannot read: one started with {@code --sudo} belongs to the
         * cluster owner. Read as someone else, it would look like a run with no state at all.
         */
        void requireReadable(String id, String dest, BackupRequest request) throws JobFailure {
            String owner = param("unreadable");
            if (!present() || owner.isEmpty()) {
                return;
            }
            String login = request.target().user();
            throw new JobFailure(ErrorCode.BAD_INPUT, "run " + id + " in " + dest + " belongs to '" + owner + "', and '"
                    + login + "' cannot read it (" + run.runDir() + ")" + (request.sudo()
                            ? ": the owner of " + request.pgdata() + " is not the account that started the run;"
                                    + " give the --pgdata of the cluster it backs up"
                            : ": a run started with --sudo acts as the cluster owner. Re-attach with --sudo and the"
                                    + " --pgdata of the cluster it backs up, to act as that owner too"),
                    null, null);
        }

        String param(String key) {
            return answer.value(key);
        }

        long logSize() {
            return answer.number("log_size");
        }

        boolean wasRunning() {
            return param("was_running").equals("true");
        }
    }

    /**
     * The run {@code id} whose copy goes to a backup host ({@code --dest-host}) into {@code dest}: its runner's
     * files stay on the database host in {@code ~/.pg-offline-backup/runs/<id>}, found only while they are
     * there (a run that completed and was followed to its end leaves none). Null when there is no such run; a
     * run there that pulls to the machine that started it, or copies elsewhere, is refused with what it is.
     */
    private Probed offHostRun(SshSession ssh, String dest, String id) throws JobFailure, IOException {
        RemoteRun run = new RemoteRun(dest, id, offHostRunRoot(ssh));
        Probed found = Probed.of(ssh, run);
        if (!found.present()) {
            return null;
        }
        String copyTo = found.param("copy_to");
        String runDest = found.param("dest");
        if (copyTo.equals("pull")) {
            throw new JobFailure(ErrorCode.BAD_INPUT, "run " + id + " pulls its copy to the machine that started it"
                    + " (--pull-to): only that client can receive it, so it cannot be re-attached. Its runner ends by"
                    + " itself and brings PostgreSQL back; its files are in " + run.runDir(), null, null);
        }
        if (!copyTo.equals("host") || !runDest.equals(dest)) {
            throw new JobFailure(ErrorCode.BAD_INPUT, "run " + id + " on this host copies to " + (copyTo.equals("host")
                    ? "'" + runDest + "' on a backup host" : "its own destination") + ", not to '" + dest + "'",
                    null, null);
        }
        return found;
    }

    private void copyRecords(SshSession ssh, String from) {
        try {
            BackupRecords.download(ssh, from, recordsDir);
        } catch (IOException e) {
            log.warn("the records of the backup could not be copied to " + recordsDir + " (" + e.getMessage()
                    + "); they are beside the backup on the backup host");
        }
    }

    /** A run that completed while nobody followed it: its manifest has the numbers. */
    private BackupResult completed(SshSession ssh, RemoteRun run, String host) throws IOException {
        String numbers = HostLookup.exec(ssh, Duration.ofSeconds(60), "totals", List.of(run.manifest())).stdout();
        String[] words = numbers.trim().split("\\s+");
        long files = words.length > 0 && words[0].matches("\\d+") ? Long.parseLong(words[0]) : 0;
        long bytes = words.length > 1 && words[1].matches("\\d+") ? Long.parseLong(words[1]) : 0;
        long downtime = words.length > 2 && words[2].matches("\\d+") ? Long.parseLong(words[2]) : 0;
        return new BackupResult(true, host, run.id(), run.finalDir(), run.manifest(), run.finalLog(), files, bytes,
                downtime, null, null, null, log.warnings(), null, "unknown");
    }

    private void validate() throws JobFailure {
        try {
            request.validate();
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.BAD_INPUT, e.getMessage(), e);
        }
    }

    private SshSession connect() throws JobFailure {
        log.phase("connect", "connecting to " + request.target().display());
        SshSession ssh = request.connection().connector(log::warn).connect();
        log.info("connected; host key verified (" + describePolicy() + ")");
        if (request.sudo()) {
            try {
                log.info("--sudo: " + SudoAccess.become(ssh, List.of(request.pgdata())));
            } catch (JobFailure | IOException | RuntimeException e) {
                ssh.close();
                if (e instanceof JobFailure failure) {
                    throw failure;
                }
                throw new JobFailure(ErrorCode.CONNECTION_FAILED, "checking sudo failed: " + e.getMessage(), e);
            }
        }
        return ssh;
    }

    private String describePolicy() {
        String name = request.hostKeyPolicy().getClass().getSimpleName();
        return name.equals("InsecureAcceptAny") ? "NOT verified: insecure accept-any policy" : name;
    }

    private BackupPlan inspect(SshSession ssh) throws JobFailure {
        log.phase("inspect", "inspecting " + request.pgdata() + " while PostgreSQL keeps running");
        if (!(request.destination() instanceof Destination.OnDatabaseHost)) {
            runRoot = offHostRunRoot(ssh);
        }
        ClusterInspection inspection = runInspection(ssh);
        BackupPlan plan = Preflight.evaluate(request, inspection);
        describe(plan);
        if (request.destination() instanceof Destination.OnBackupHost onHost && plan.ok()) {
            log.info("checking the backup host " + onHost.login() + " port " + onHost.host().port() + " from "
                    + plan.host() + " (ssh without a prompt, its host key known, rsync, " + onHost.path() + ", space)");
            BackupHostPreflight.Found found = BackupHostPreflight.check(ssh, request, onHost, plan.requiredBytes(),
                    plan.running());
            log.info("backup host " + onHost.login() + ": " + found.realPath() + " has " + Bytes.human(found.freeBytes())
                    + " free, " + Bytes.human(plan.requiredBytes()) + " needed at most");
        }
        return plan;
    }

    /**
     * The directory on the database host where runs whose copy goes elsewhere keep their files:
     * {@code ~/.pg-offline-backup/runs} of the SSH user, created (0700) when missing.
     */
    private String offHostRunRoot(SshSession ssh) throws JobFailure {
        try {
            ExecResult result = HostLookup.exec(ssh, Duration.ofSeconds(60), "run_root", List.of());
            String path = result.stdout().strip();
            if (!result.ok() || !path.startsWith("/") || path.contains("\n")) {
                throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot create ~/.pg-offline-backup/runs on the"
                        + " database host: " + result.firstErrorLine());
            }
            return path;
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "SSH failure: " + e.getMessage(), e);
        }
    }

    private ClusterInspection runInspection(SshSession ssh) throws JobFailure {
        return new ClusterInspector(ssh, INSPECT_TIMEOUT).withSudo(request.sudo()).inspect(request.pgdata(),
                runRoot != null ? runRoot : request.dest(),
                request.pgBin() == null ? "" : request.pgBin(), request.dbUser() == null ? "" : request.dbUser(),
                request.dbName(), "", List.of(), request.snapshot() != SnapshotMode.NONE);
    }

    private void describe(BackupPlan plan) {
        if (plan.pgVersion().isEmpty()) {
            return;
        }
        log.info("PostgreSQL " + plan.pgVersion() + " at " + plan.pgdata() + " on " + plan.host() + ": "
                + (plan.running() ? "running (pid " + plan.postmasterPid() + ", port " + plan.port() + ")"
                        : "not running, cluster state '" + plan.clusterState() + "'")
                + "; " + plan.files() + " files, " + Bytes.human(plan.bytes()));
        log.info("service: " + plan.service().describe());
        log.info("method: " + plan.copyMethod());
        if (request.destination() instanceof Destination.PulledTo pulled) {
            log.info("destination " + pulled.localDir() + " on this machine (--pull-to); the runner's files on the"
                    + " host go to " + plan.dest());
        } else if (plan.dest() != null && !plan.dest().isEmpty() && runRoot == null) {
            log.info("destination " + plan.dest() + ": " + Bytes.human(plan.destFreeBytes()) + " free, "
                    + Bytes.human(plan.requiredBytes()) + " needed");
        }
        for (String warning : plan.warnings()) {
            log.warn(warning);
        }
    }

    private BackupPlan waitForSessions(SshSession ssh, BackupPlan plan) throws JobFailure {
        ActiveSessionPolicy policy = request.activeSessions();
        if (policy.kind() == ActiveSessionPolicy.Kind.PROCEED || plan.sessions().isEmpty()) {
            return plan;
        }
        log.info(plan.sessions().size() + " client session(s) connected; " + policy.intent());
        plan = policy.awaitNoSessions(plan, p -> !p.sessions().isEmpty(),
                () -> Preflight.evaluate(request, runInspection(ssh)), abortRequested);
        if (policy.kind() == ActiveSessionPolicy.Kind.WAIT && plan.sessions().isEmpty()) {
            log.info("no client sessions left");
        }
        return plan;
    }

    private void failOnProblems(BackupPlan plan) throws JobFailure {
        if (abortRequested.get()) {
            throw new JobFailure(ErrorCode.ABORTED, "aborted before PostgreSQL was touched", plan.running(), null);
        }
        if (plan.ok()) {
            return;
        }
        Problem first = plan.problems().get(0);
        StringBuilder message = new StringBuilder(first.message());
        for (Problem other : plan.problems().subList(1, plan.problems().size())) {
            message.append("; also: ").append(other.message());
        }
        message.append(". Nothing was changed");
        throw new JobFailure(first.code(), message.toString(), plan.running(), null);
    }

    /**
     * Says how earlier runs whose client went away ended, and removes the runner files of those that
     * completed (their backup is complete and has its own log); a failed run's files stay for diagnosis.
     */
    private void reportPreviousRuns(SshSession ssh, BackupPlan plan) throws IOException {
        for (PreviousRun run : plan.previousRuns()) {
            if (run.endedOk()) {
                log.info("an earlier run " + run.id() + " completed after its client had gone: backup "
                        + plan.dest() + "/" + run.id());
                new RunnerLauncher(ssh).cleanUp(new RemoteRun(plan.dest(), run.id()).handle());
            }
        }
    }

    private RunnerParams params(BackupPlan plan, String id, String partial, String finalDir, String dest,
            long connectStart, long inspectEnd) {
        return request.service().addTo(new RunnerParams(), plan.pgdata(), plan.pgBin(), plan.running(),
                        plan.running() && plan.sessionsKnown() ? plan.dbUser() : "")
                .putAll(plan.service().addTo(new RunnerParams(), request.sudo()))
                .put("id", id)
                .put("partial", partial)
                .put("final", finalDir)
                .put("dest", dest)
                .put("tool_version", ToolVersion.get())
                .put("ssh_host", request.target().host())
                .put("snapshot", request.snapshot().word())
                .put("precopy", request.precopy())
                .put("keep", request.keep())
                .put("link", request.link())
                .putAll(destinationParams())
                .put("java_phases", "{\"name\": \"inspect\", \"startMillis\": " + connectStart
                        + ", \"endMillis\": " + inspectEnd + "}");
    }

    /** copy_to and, for a backup host, how the runner reaches it; for a pull, how long it waits for us. */
    private RunnerParams destinationParams() {
        RunnerParams params = new RunnerParams();
        if (request.destination() instanceof Destination.OnBackupHost onHost) {
            params.put("copy_to", "host")
                    .put("dest_host_login", onHost.login())
                    .put("dest_host_port", onHost.host().port())
                    .put("dest_host_known_hosts", request.destHostKnownHosts())
                    .put("dest_host_identity", request.destHostIdentity());
        } else if (request.pulled()) {
            params.put("copy_to", "pull").put("pull_grace", PULL_GRACE_SECONDS);
        } else {
            params.put("copy_to", "local");
        }
        return params;
    }

    private JobFailure runnerFailure(RunnerOutcome outcome, boolean wasRunning, String dest) {
        ErrorCode code = ErrorCode.fromRunner(outcome.failureCode());
        Boolean running;
        switch (outcome.dbState()) {
            case "running":
                running = true;
                break;
            case "stopped":
            case "unchanged":
                running = "unchanged".equals(outcome.dbState()) ? wasRunning : false;
                break;
            case "down":
                code = ErrorCode.DATABASE_DOWN;
                running = false;
                break;
            default:
                running = null;
        }
        if (code == ErrorCode.START_FAILED && Boolean.TRUE.equals(running)) {
            code = ErrorCode.RUNNER_ERROR;
        }
        String message = outcome.failureMessage();
        if (code == ErrorCode.DATABASE_DOWN) {
            message = message + ". POSTGRESQL IS DOWN and could not be started again: a human is needed now"
                    + " (see the server log and " + dest + ")";
        } else if ("unchanged".equals(outcome.dbState())) {
            message = message + ". PostgreSQL was not touched";
        } else if (Boolean.TRUE.equals(running)) {
            message = message + ". PostgreSQL is running again; the incomplete copy is left as a .partial directory"
                    + " that is never taken for a backup";
        }
        return new JobFailure(code, message, running, null);
    }
}
