package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.Destination;
import io.pgofflinebackup.backup.HostLookup;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.RunnerInfo;
import io.pgofflinebackup.backup.ServiceSettings;
import io.pgofflinebackup.backup.SudoAccess;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.postgres.ClusterInspector;
import io.pgofflinebackup.runner.JobLog;
import io.pgofflinebackup.runner.RunnerHandle;
import io.pgofflinebackup.runner.RunnerLauncher;
import io.pgofflinebackup.runner.RunnerMonitor;
import io.pgofflinebackup.runner.RunnerOutcome;
import io.pgofflinebackup.runner.RunnerParams;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.verify.BackupVerifier;
import io.pgofflinebackup.verify.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One restore: verify the backup and check the target while the live cluster still runs, then
 * hand the critical section (stop, move aside, copy, verify, start, or roll back) to the restore
 * runner on the host and follow it. {@link #abort()} may be called from another thread.
 */
public final class RestoreJob {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Duration VERIFY_TIMEOUT = Duration.ofHours(12);
    private static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(10);
    /** The name of a backup fetched from a backup host into the data directory's parent, before its stamp. */
    private static final String FETCH_PREFIX = ".pg-offline-backup-fetch.";

    /** The request; once a backup on a backup host is fetched, the same request naming the fetched copy. */
    private RestoreRequest request;
    /**
     * The backup as the user named it (a fetched copy is not where it lives); on a re-attach, as the
     * run's params say.
     */
    private String requestedBackup;
    private final Clock clock;
    private final JobLog log;
    private final AtomicBoolean abortRequested = new AtomicBoolean();

    public RestoreJob(RestoreRequest request, ProgressListener listener) {
        this(request, listener, Clock.systemUTC());
    }

    /**
     * A job that only re-attaches ({@link #reattach}) to a restore an earlier client started (one that
     * was killed, or a Jenkins controller that restarted): it needs the connection, and with
     * {@code sudo} acts as the owner of the data directory, as a restore started with --sudo did (its
     * run directory is that owner's).
     */
    public static RestoreJob forReattach(ConnectionSettings connection, boolean sudo, ProgressListener listener) {
        RestoreRequest request = RestoreRequest.builder().target(connection.target())
                .credentials(connection.credentials()).hostKeyPolicy(connection.hostKeyPolicy())
                .connectTimeout(connection.connectTimeout()).reconnectTimeout(connection.reconnectTimeout())
                .sudo(sudo).backup("/").pgdata("/").build();
        return new RestoreJob(request, listener);
    }

    RestoreJob(RestoreRequest request, ProgressListener listener, Clock clock) {
        this.request = request;
        this.requestedBackup = request.backupHost() == null ? request.backup()
                : request.backupHost() + ":" + request.backup();
        this.clock = clock;
        this.log = new JobLog(listener, clock);
    }

    /** Asks a running restore to stop: the runner abandons the copy and rolls back. */
    public void abort() {
        abortRequested.set(true);
    }

    /** The whole restore. Failures come back as a result, never as an exception. */
    public RestoreResult run() {
        String host = request.connection().target().host();
        try {
            check(request);
            try (SshSession ssh = request.connection().connector(log::warn).connect()) {
                log.info("connected to " + request.connection().target().display());
                if (request.service().sudo()) {
                    log.info("--sudo: " + SudoAccess.become(ssh, request.backupHost() == null
                            ? List.of(request.pgdata(), request.backup()) : List.of(request.pgdata())));
                }
                String fetched = null;
                boolean runnerEnded = true;
                try {
                    if (request.backupLocation() instanceof Destination.OnBackupHost onHost) {
                        String staging = parentOf(request.pgdata()) + "/" + FETCH_PREFIX
                                + STAMP.format(clock.instant());
                        log.phase("fetch", "fetching the backup " + onHost.path() + " from the backup host "
                                + onHost.login() + " into " + staging + " on the database host, while PostgreSQL keeps"
                                + " running");
                        // On a failure the fetch removes what it made itself; from here on the copy is ours.
                        long bytes = BackupHostFetch.fetch(ssh, request, onHost, staging);
                        fetched = staging;
                        log.info("fetched " + io.pgofflinebackup.util.Bytes.human(bytes) + "; the restore runs from"
                                + " that copy, which is removed afterwards (the backup host keeps the original)");
                        request = request.withFetchedBackup(fetched);
                    }
                    runnerEnded = false;
                    RestoreResult result = runOn(ssh);
                    runnerEnded = true;
                    return result;
                } catch (JobFailure failure) {
                    // A failure before the runner started, or the runner's own end: it no longer reads the copy.
                    runnerEnded = runnerEnded || !runnerMayGoOn(failure.code());
                    throw failure;
                } finally {
                    if (fetched != null && runnerEnded) {
                        BackupHostFetch.remove(ssh, fetched);
                    } else if (fetched != null) {
                        log.warn(leftWhileRunnerMayRead("the fetched copy " + fetched, request, runId()));
                    }
                }
            }
        } catch (JobFailure failure) {
            host = planHost != null ? planHost : host;
            int exit = lastHandle == null ? 2 : failure.exitCode();
            String message = failure.getMessage();
            if (lastHandle != null && runnerMayGoOn(failure.code())) {
                message += followHint(lastHandle.id());
            }
            return new RestoreResult(false, host, requestedBackup, request.pgdata(), null, null, false, 0,
                    failure.databaseRunning(), failure.code(), message,
                    lastHandle == null ? null : lastHandle.logPaths().get(0), log.warnings(), exit);
        } catch (IOException e) {
            return new RestoreResult(false, host, requestedBackup, request.pgdata(), null, null, false, 0, null,
                    lastHandle == null ? ErrorCode.CONNECTION_FAILED : ErrorCode.CONNECTION_LOST,
                    "SSH failure: " + e.getMessage() + (lastHandle == null ? "" : followHint(lastHandle.id())),
                    lastHandle == null ? null : lastHandle.logPaths().get(0), log.warnings(),
                    lastHandle == null ? 2 : 1);
        }
    }

    /**
     * Re-attaches to the restore run {@code id} of {@code pgdata} that an earlier client started (one
     * that was killed or lost its connection for good, or a Jenkins controller that restarted),
     * follows it to its end and returns its result as {@link #run()} would have. The runner needs
     * nobody meanwhile: it finishes the restore or rolls back by itself. A run that already ended is
     * reported as it ended. {@link #abort()} works as during {@link #run()}.
     *
     * @param id the run's id: the UTC time its runner was started, the end of the name of its run
     *           directory {@code .<name>.restore-<id>.run} beside the data directory
     */
    public RestoreResult reattach(String pgdata, String id) {
        String host = request.connection().target().host();
        String logPath = null;
        try {
            RunnerHandle handle = reattachHandle(pgdata, id);
            logPath = handle.logPaths().get(0);
            request = new RestoreRequest(request.connection(), request.service(), "/", pgdata, pgdata);
            try (SshSession ssh = request.connection().connector(log::warn).connect()) {
                if (request.service().sudo()) {
                    // A restore onto a new target that was rolled back leaves no data directory: its run's is the owner's too.
                    log.info("--sudo: " + SudoAccess.become(ssh, List.of(pgdata, pgdata + ".pre-restore-" + id,
                            handle.runDir())));
                }
                RunState found = RunState.of(ssh, handle);
                host = found.value("host").isEmpty() ? host : found.value("host");
                found.requireFound(id, pgdata, request);
                requestedBackup = found.value("backup");
                log.info("re-attaching to restore run " + id + " on " + host + " (" + handle.runDir() + ")");
                if (!found.value("follow").equals("yes")) {
                    // The client that followed the run to its end removed its scripts, keeping the state and the log.
                    new RunnerLauncher(ssh).putFollowScript(handle);
                }
                RunnerOutcome outcome = new RunnerMonitor(ssh, handle, 0, found.logSize(), log,
                        request.connection().reconnectTimeout(),
                        request.service().startTimeout().plus(request.service().stopTimeout()).plusSeconds(120),
                        abortRequested).follow();
                removeScripts(ssh, handle);
                removeStagedCopy(ssh, requestedBackup);
                return result(outcome, host, found.value("was_running").equals("true"), id, handle,
                        outcome.ok() ? movedAside(ssh, handle) : List.of());
            }
        } catch (JobFailure failure) {
            // Lost again: the same command follows it, once more.
            String again = failure.code() == ErrorCode.CONNECTION_LOST ? followHint(id) : "";
            return new RestoreResult(false, host, requestedBackup, pgdata, null, null, false, 0,
                    failure.databaseRunning(), failure.code(), failure.getMessage() + again, logPath, log.warnings(),
                    failure.exitCode());
        } catch (IOException | RuntimeException e) {
            return new RestoreResult(false, host, requestedBackup, pgdata, null, null, false, 0, null,
                    ErrorCode.CONNECTION_LOST, "re-attaching to restore run " + id + " failed: " + e.getMessage()
                    + ". The restore runner on the host finishes the restore or rolls back by itself; its state and"
                    + " log are in " + (logPath == null ? "its run directory" : Path.of(logPath).getParent())
                    + (logPath == null ? "" : "; " + attachHint(request, id) + " follows it again"),
                    logPath, log.warnings(), ErrorCode.CONNECTION_LOST.outcome().exitCode());
        }
    }

    /** Where the run {@code id} of {@code pgdata} keeps its files, once both are known to be well-formed. */
    private static RunnerHandle reattachHandle(String pgdata, String id) throws JobFailure {
        if (id == null || !id.matches("\\d{8}T\\d{6}Z")) {
            throw new JobFailure(ErrorCode.BAD_INPUT, "not a restore run id: '" + id + "'. A restore's id is the UTC"
                    + " time its runner started (like 20261127T120000Z), as its run directory .<name>.restore-<id>.run"
                    + " beside the data directory names it");
        }
        try {
            ServiceSettings.absolutePath("--pgdata", pgdata);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.BAD_INPUT, e.getMessage(), e);
        }
        if (Path.of(pgdata).normalize().getFileName() == null) {
            throw new JobFailure(ErrorCode.BAD_INPUT, "--pgdata cannot be the root directory");
        }
        return handle(pgdata, id);
    }

    /**
     * What one exec of lookup.sh's restore_state found of a restore run, as "key=value" lines: its
     * host, whether its directory is there and readable, its params' was_running and backup, the
     * size of its log, whether follow.sh is still there, and the other restore runs of its data
     * directory.
     */
    private record RunState(RunnerHandle handle, HostLookup.Answer answer) {
        static RunState of(SshSession ssh, RunnerHandle handle) throws IOException {
            return new RunState(handle, HostLookup.ask(ssh, Duration.ofSeconds(60), "restore_state",
                    List.of(handle.runDir())));
        }

        String value(String key) {
            return answer.value(key);
        }

        long logSize() {
            return answer.number("log_size");
        }

        /** A run that is not there, or that the commands cannot read (one started with --sudo is the owner's). */
        void requireFound(String id, String pgdata, RestoreRequest request) throws JobFailure {
            if (!value("run").equals("yes")) {
                List<String> others = answer.values("other").stream().filter(o -> o.matches("\\d{8}T\\d{6}Z"))
                        .toList();
                throw new JobFailure(ErrorCode.BAD_INPUT, "there is no restore run " + id + " of " + pgdata + " ("
                        + handle.runDir() + " does not exist); " + (others.isEmpty() ? "there is none of it at all"
                                : "its restore runs are " + String.join(", ", others) + " (oldest first)")
                        + ". Nothing was changed");
            }
            String owner = value("unreadable");
            if (!owner.isEmpty()) {
                String login = request.connection().target().user();
                throw new JobFailure(ErrorCode.BAD_INPUT, "restore run " + id + " of " + pgdata + " belongs to '"
                        + owner + "', and '" + login + "' cannot read it (" + handle.runDir() + ")"
                        + (request.service().sudo() ? "" : ": a restore started with --sudo acts as the cluster owner."
                                + " Re-attach with --sudo, to act as that owner too"));
            }
        }
    }

    /**
     * A copy made on the database host for this restore only (fetched from a backup host, or uploaded
     * from the machine of the client) is ours to remove once its runner has ended.
     */
    private void removeStagedCopy(SshSession ssh, String backup) throws IOException {
        String fetched = parentOf(request.pgdata()) + "/" + FETCH_PREFIX;
        String uploaded = UploadedRestore.stagingPath(request.pgdata(), "");
        if (backup.startsWith(fetched) && !backup.substring(fetched.length()).contains("/")) {
            BackupHostFetch.remove(ssh, backup);
            log.info("the copy of the backup fetched from the backup host for this restore, " + backup
                    + ", is removed");
        } else if (backup.startsWith(uploaded) && !backup.substring(uploaded.length()).contains("/")) {
            UploadedRestore.remove(ssh, backup);
            log.info("the copy of the backup uploaded for this restore, " + backup + ", is removed");
        }
    }

    /**
     * Whether a restore whose client ended with {@code code} may still have a runner at work: the
     * client lost it, or saw it die and may not have seen its recovery end. What it reads stays.
     */
    static boolean runnerMayGoOn(ErrorCode code) {
        return code == ErrorCode.CONNECTION_LOST || code == ErrorCode.RUNNER_DIED;
    }

    /** For a client that lost the runner of restore run {@code id}: how to follow that runner to its end. */
    private String followHint(String id) {
        return ". " + attachHint(request, id) + " follows the restore to its end and reports it";
    }

    /** The command that follows restore run {@code id} of the request's data directory, with the options it needs. */
    private static String attachHint(RestoreRequest request, String id) {
        return "`attach --restore" + (request.service().sudo() ? " --sudo" : "") + " --pgdata " + request.pgdata()
                + " --id " + id + "`";
    }

    /** The warning for a copy kept on the host because the restore runner may still read it. */
    static String leftWhileRunnerMayRead(String copy, RestoreRequest request, String runId) {
        return copy + " is left on the database host while the restore runner may still read it. "
                + attachHint(request, runId) + " follows the run to its end and then removes it";
    }

    /** The id of the restore run this job started or re-attached to; null before its runner started. */
    String runId() {
        RunnerHandle handle = lastHandle;
        return handle == null ? null : handle.id();
    }

    /** The handle of the started runner and the host's name, for the failure result. */
    private RunnerHandle lastHandle;
    private String planHost;

    /** Pre-flight, then the runner, followed to its end. */
    private RestoreResult runOn(SshSession ssh) throws JobFailure, IOException {
        RestorePlan plan = preflight(ssh);
        planHost = plan.host();
        String stamp = STAMP.format(clock.instant());
        RunnerHandle handle = prepare(ssh, stamp);
        lastHandle = handle;
        RunnerLauncher launcher = new RunnerLauncher(ssh);
        byte[] logSoFar = log.text().getBytes(StandardCharsets.UTF_8);
        long pid = launcher.launch(handle, List.of("restore.sh", "verify.sh"), params(plan, stamp),
                handle.logPaths().get(0), logSoFar, "restore");
        log.info("restore runner started on " + plan.host() + " (pid " + pid + ", run " + stamp + " in "
                + handle.runDir() + "); from here on it rolls back by itself if anything fails");
        log.runnerStarted(new RunnerInfo("restore", stamp, plan.host(), handle.runDir(), request.pgdata(),
                pid));
        RunnerOutcome outcome = new RunnerMonitor(ssh, handle, pid, logSoFar.length, log,
                request.connection().reconnectTimeout(),
                request.service().startTimeout().plus(request.service().stopTimeout()).plusSeconds(120),
                abortRequested).follow();
        removeScripts(ssh, handle);
        return result(outcome, plan.host(), plan.running(), stamp, handle,
                outcome.ok() ? movedAside(ssh, handle) : List.of());
    }

    /** What a restore request must say before anything is contacted: the confirmation, valid values. */
    static void check(RestoreRequest request) throws JobFailure {
        if (!request.confirmed()) {
            throw new JobFailure(ErrorCode.CONFIRMATION_MISMATCH, "--confirm must repeat the target data directory"
                    + " exactly ('" + request.pgdata() + "'), as a guard against restoring onto the wrong cluster;"
                    + " got '" + (request.confirm() == null ? "" : request.confirm()) + "'. Nothing was done");
        }
        try {
            request.validate();
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.BAD_INPUT, e.getMessage(), e);
        }
    }

    private RestorePlan preflight(SshSession ssh) throws JobFailure {
        log.phase("verify", "verifying the backup " + request.backup() + " against its manifest (every file's"
                + " SHA-256) while PostgreSQL keeps running");
        VerifyReport backup = new BackupVerifier(ssh, VERIFY_TIMEOUT).verify(request.backup(),
                BackupVerifier.Mode.CHECKSUMS, null, request.service().pgBin());
        log.info("backup " + backup.backupId() + ": " + backup.summary());
        log.phase("inspect", "checking the target " + request.pgdata());
        RestorePlan plan = RestorePreflight.evaluate(request, backup, inspect(ssh, backup));
        plan.warnings().forEach(log::warn);
        plan = waitForSessions(ssh, backup, plan);
        if (abortRequested.get()) {
            throw new JobFailure(ErrorCode.ABORTED, "aborted before anything was touched", plan.running(), null);
        }
        if (!plan.ok()) {
            Problem first = plan.problems().get(0);
            StringBuilder message = new StringBuilder(first.message());
            plan.problems().stream().skip(1).forEach(p -> message.append("; also: ").append(p.message()));
            throw new JobFailure(first.code(), message.append(". Nothing was changed").toString(), plan.running(),
                    null);
        }
        log.info("service: " + plan.service().describe());
        log.info("target " + request.pgdata() + ": " + (plan.targetExists() ? (plan.running() ? "running" : "not"
                + " running") + ", will be moved aside and kept" : "does not exist yet"));
        return plan;
    }

    private ClusterInspection inspect(SshSession ssh, VerifyReport backup) throws JobFailure {
        String parent = parentOf(request.pgdata());
        return new ClusterInspector(ssh, INSPECT_TIMEOUT).withSudo(request.service().sudo()).inspect(request.pgdata(), parent,
                request.service().pgBin() == null ? "" : request.service().pgBin(),
                request.service().dbUser() == null ? "" : request.service().dbUser(), request.service().dbName(),
                backup.majorVersion(), RestorePreflight.targetPaths(request, backup));
    }

    private RestorePlan waitForSessions(SshSession ssh, VerifyReport backup, RestorePlan plan) throws JobFailure {
        ActiveSessionPolicy policy = request.service().activeSessions();
        if (policy.kind() == ActiveSessionPolicy.Kind.PROCEED
                || plan.problems().stream().noneMatch(p -> p.code() == ErrorCode.ACTIVE_SESSIONS)) {
            return plan;
        }
        log.info("client sessions connected; " + policy.intent());
        return policy.awaitNoSessions(plan,
                p -> p.problems().stream().anyMatch(problem -> problem.code() == ErrorCode.ACTIVE_SESSIONS),
                () -> RestorePreflight.evaluate(request, backup, inspect(ssh, backup)), abortRequested);
    }

    private RunnerHandle prepare(SshSession ssh, String stamp) throws JobFailure, IOException {
        RunnerHandle handle = handle(request.pgdata(), stamp);
        ExecResult made = ssh.exec("umask 077 && mkdir -- " + ShellQuote.quote(handle.runDir()), null,
                Duration.ofSeconds(60));
        if (!made.ok()) {
            throw new JobFailure(ErrorCode.TARGET_NOT_USABLE, "cannot create " + handle.runDir() + ": "
                    + made.firstErrorLine());
        }
        return handle;
    }

    /**
     * Where restore run {@code id} of {@code pgdata} keeps its state, params and restore.log: a
     * hidden directory beside the data directory, named for it and for the run.
     */
    public static String runDirectory(String pgdata, String id) {
        return parentOf(pgdata) + "/." + Path.of(pgdata).normalize().getFileName() + ".restore-" + id + ".run";
    }

    private static RunnerHandle handle(String pgdata, String id) {
        String runDir = runDirectory(pgdata, id);
        return new RunnerHandle(id, runDir, "restore.sh", List.of(runDir + "/restore.log"));
    }

    private RunnerParams params(RestorePlan plan, String stamp) {
        String parent = parentOf(request.pgdata());
        String base = Path.of(request.pgdata()).getFileName().toString();
        String dbUser = plan.dbUser().isEmpty() ? request.connection().target().user() : plan.dbUser();
        return plan.addLayoutTo(request.service().addTo(new RunnerParams(), request.pgdata(), plan.pgBin(),
                        plan.running(), dbUser).putAll(plan.service().addTo(new RunnerParams(),
                        request.service().sudo())))
                .put("backup", request.backup())
                .put("aside", request.pgdata() + ".pre-restore-" + stamp)
                .put("failed_aside", request.pgdata() + ".failed-restore-" + stamp)
                .put("target_exists", plan.targetExists())
                .put("owner", plan.sshUid() == 0 && plan.targetExists() ? Long.toString(plan.ownerUid()) : "")
                .put("lock", parent + "/." + base + ".pg-offline-backup.lock");
    }

    /** The tablespaces, WAL directory and configuration files the runner moved aside (moved-aside.tsv). */
    private List<RestoreResult.MovedAside> movedAside(SshSession ssh, RunnerHandle handle) throws IOException {
        ExecResult listed = ssh.exec("cat -- " + ShellQuote.quote(handle.runDir() + "/moved-aside.tsv"), null,
                Duration.ofSeconds(30));
        List<RestoreResult.MovedAside> moved = new ArrayList<>();
        for (String line : listed.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 3) {
                moved.add(new RestoreResult.MovedAside(f[0], f[1], f[2]));
            }
        }
        return moved;
    }

    private RestoreResult result(RunnerOutcome outcome, String host, boolean wasRunning, String stamp,
            RunnerHandle handle, List<RestoreResult.MovedAside> moved) {
        String logPath = handle.logPaths().get(0);
        if (outcome.ok()) {
            String aside = outcome.done().getOrDefault("moved_aside", "");
            return new RestoreResult(true, host, requestedBackup, request.pgdata(),
                    aside.isEmpty() ? null : aside, null, false, outcome.doneNumber("downtime"), Boolean.TRUE, null,
                    null, logPath, log.warnings(), 0, moved);
        }
        boolean rolledBack = "true".equals(outcome.end().get("rolled_back"));
        String failedAt = outcome.end().get("failed_restore");
        Boolean running;
        switch (outcome.dbState()) {
            case "running":
                running = true;
                break;
            case "stopped":
            case "down":
                running = false;
                break;
            case "unchanged":
                running = wasRunning;
                break;
            default:
                running = null;
        }
        boolean down = "down".equals(outcome.dbState());
        ErrorCode code = down ? ErrorCode.DATABASE_DOWN : ErrorCode.fromRunner(outcome.failureCode());
        StringBuilder message = new StringBuilder(outcome.failureMessage());
        if (rolledBack) {
            message.append(". Rolled back: the original data directory is back at ").append(request.pgdata())
                    .append(running == Boolean.TRUE ? " and PostgreSQL runs from it" : "");
            if (failedAt != null) {
                message.append("; the failed restored copy is kept at ").append(failedAt);
            }
        }
        if (down) {
            message.append(". POSTGRESQL IS NOT RUNNING and could not be started: a human is needed now. Original "
                    + "data directory: ").append(request.pgdata()).append(" or ").append(request.pgdata())
                    .append(".pre-restore-").append(stamp).append("; log: ").append(logPath);
        }
        return new RestoreResult(false, host, requestedBackup, request.pgdata(), null, failedAt, rolledBack,
                0, running, code, message.toString(), logPath, log.warnings(),
                down ? 3 : code.outcome() == ErrorCode.Outcome.UNTOUCHED ? 2 : 1);
    }

    private static void removeScripts(SshSession ssh, RunnerHandle handle) throws IOException {
        // The state, restore.log and the params (which backup went where, what was running) stay beside the
        // data directory as the record of what was done, and for a client that re-attaches later.
        StringBuilder command = new StringBuilder("cd ").append(ShellQuote.quote(handle.runDir()))
                .append(" && rm -f lib.sh critical.sh follow.sh restore.sh verify.sh tar.rc verify.out")
                .append(" pg_ctl.out");
        ssh.exec(command.toString(), null, Duration.ofSeconds(30));
    }

    private static String parentOf(String path) {
        Path parent = Path.of(path).normalize().getParent();
        return parent == null ? "/" : parent.toString();
    }
}
