package io.pgofflinebackup.cli;

import io.pgofflinebackup.faults.FaultCase;
import static io.pgofflinebackup.cli.TestArgs.cluster;
import static io.pgofflinebackup.cli.TestArgs.keyAuth;
import static io.pgofflinebackup.cli.TestArgs.line;
import static io.pgofflinebackup.cli.TestArgs.names;
import static io.pgofflinebackup.cli.TestArgs.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.backup.SudoAccess;
import io.pgofflinebackup.testing.OpsUser;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.SudoRule;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client (the shaded jar in a JVM of its own) is SIGKILLed in the middle of the copy, with and
 * without its SSH connection dropped too. The copy is frozen (SIGSTOP) while that happens, so that the
 * kill really lands mid-copy, and thawed afterwards. PostgreSQL must serve again within a bounded time,
 * the runner must have finished a valid backup or left only a partial copy, and the next run of the
 * tool must report how the run ended, consistently with what is on disk.
 */
class KilledClientIT {

    /** Big enough (about 300 MB) that the copy takes a while; one cluster serves both cases. */
    private static final int PGBENCH_SCALE = 20;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    private static final Duration COPY_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern RUN_DIR = Pattern.compile("^\\.(.+)\\.run$");
    private static final Pattern RUNNER_PID = Pattern.compile("(?m)^\\d+ runner pid=(\\d+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestUser user;
    private static SshServer sshd;
    private static PgCluster pg;

    @BeforeAll
    static void startServers() {
        user = TestUser.get();
        sshd = SshServer.start(user);
        try {
            pg = PgCluster.create(user, PgCluster.Options.defaults().withPgbenchScale(PGBENCH_SCALE));
        } catch (RuntimeException e) {
            sshd.close();
            throw e;
        }
    }

    @AfterAll
    static void stopServers() {
        try {
            if (pg != null) {
                pg.close();
                TestArgs.deleteTree(pg.directory());
            }
        } finally {
            if (sshd != null) {
                sshd.close();
            }
        }
    }

    @Test
    @FaultCase(id = "backup.client-killed-and-connection", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM SIGKILLed and its SSH sessions killed while the copy is frozen",
            mustHold = {"the runner outlives its client and ends", "PostgreSQL serves within 60 s", "a complete backup or only a .partial, never both", "the next `plan --json` reports how the run ended"})
    void clientAndItsConnectionKilledMidCopy() {
        killClientMidCopy(true);
    }

    @Test
    @FaultCase(id = "backup.client-killed", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM SIGKILLed while the copy is frozen",
            mustHold = {"the runner ends on its own", "PostgreSQL serves within 60 s", "the next `plan --json` reports the run's outcome"})
    void clientKilledMidCopyWhileItsConnectionStaysUp() {
        killClientMidCopy(false, false);
    }

    @Test
    @FaultCase(id = "backup.client-killed-attach", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM SIGKILLed mid-copy, then `attach --dest --id`",
            mustHold = {"attach follows the run to its end: exit 0, status ok, the backup id", "the follower cleans up the run files", "PostgreSQL serves"})
    void aNewClientReattachesToTheRunAndReportsIt() {
        killClientMidCopy(true, true);
    }

    @Test
    @FaultCase(id = "backup.client-killed-attach-dest-host", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM of a --dest-host backup SIGKILLed (its SSH sessions too) while the push to the"
                    + " backup host is frozen, then `attach --dest <dir on the backup host> --id`",
            mustHold = {"attach finds the run in ~/.pg-offline-backup/runs and follows it to its end: exit 0, status ok",
                    "the backup is complete on the backup host", "the run's files on the database host are removed",
                    "PostgreSQL serves"})
    void aNewClientReattachesToARunThatCopiesToABackupHost() throws Exception {
        try (SshServer backupHost = SshServer.start(user, "127.0.0.2")) {
            SshServer.ClientAccess access = backupHost.accessFor(user);
            Path dest = TestUser.newWorkDir("bhdest");
            user.chownToUser(dest);
            Path runs = user.home().resolve(".pg-offline-backup/runs");
            List<String> backup = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest), List.of("--json",
                    "--dest-host", access.spec(), "--dest-host-identity", access.identity().toString(),
                    "--dest-host-known-hosts", access.knownHosts().toString()));
            CliRun.Spawned client = CliRun.Spawned.start(CliRun.jarCommand(List.of(), backup), Map.of());
            long frozen = -1;
            long runnerPid = -1;
            try {
                String id = null;
                long deadline = System.nanoTime() + COPY_START_TIMEOUT.toNanos();
                while (frozen < 0) {
                    assertThat(System.nanoTime() - deadline).as("no rsync of a runner; client:\n%s", client.output())
                            .isNegative();
                    assertThat(client.process().isAlive()).as("client ended before the copy:\n%s", client.output())
                            .isTrue();
                    for (String name : Files.isDirectory(runs) ? names(runs) : List.<String>of()) {
                        // Only this test's run: others of the same user (other tests) may be there too.
                        Matcher m = RUNNER_PID.matcher(read(runs.resolve(name).resolve("state")));
                        if (read(runs.resolve(name).resolve("params")).contains("\ndest=" + dest + "\n")
                                && m.find()) {
                            id = name;
                            runnerPid = Long.parseLong(m.group(1));
                        }
                    }
                    Optional<ProcessHandle> rsync = runnerPid < 0 ? Optional.empty()
                            : ProcessHandle.of(runnerPid).stream().flatMap(ProcessHandle::descendants)
                                    .filter(p -> Procs.cmdline(p.pid()).startsWith("rsync ")).findFirst();
                    if (rsync.isPresent() && Procs.signal(rsync.get().pid(), "STOP")) {
                        frozen = rsync.get().pid();
                    } else {
                        sleep(5);
                    }
                }
                assertThat(read(runs.resolve(id).resolve("state"))).containsPattern("(?m)^\\d+ phase copy");

                client.kill();
                sshd.killSessions();
                assertThat(Procs.isAlive(runnerPid)).as("the runner outlives its client").isTrue();
                List<String> attachLine = line("attach", target(sshd), keyAuth(sshd),
                        List.of("--dest", dest.toString(), "--id", id, "--json"));
                CliRun attached = attachWhileFrozen(attachLine, frozen);
                frozen = -1;
                assertThat(attached.exitCode()).as("%s", attached).isZero();
                assertThat(attached.json().path("status").asText()).isEqualTo("ok");
                assertThat(attached.json().path("backupId").asText()).isEqualTo(id);
                assertThat(dest.resolve(id).resolve("manifest.json")).isRegularFile();
                assertThat(runs.resolve(id)).as("the follower removed the run's files").doesNotExist();
                awaitServing(RECOVERY_BOUND);
            } finally {
                leaveNothingBehind(frozen, client, runnerPid, dest);
            }
        }
    }

    @Test
    @FaultCase(id = "backup.client-killed-attach-sudo", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM of a `--sudo` backup (an operations account acting as the cluster owner) and its"
                    + " SSH sessions killed mid-copy, then `attach --sudo --pgdata --dest --id` as that account",
            mustHold = {"attach acts as the owner, who owns the run's files, and follows the run to its end: exit 0,"
                    + " status ok, the backup id", "the follower cleans up the run files", "PostgreSQL serves"})
    void anOperationsAccountReattachesToItsSudoRunAsTheOwner() throws Exception {
        OpsUser ops = OpsUser.get();
        try (SshServer opsSshd = SshServer.start(user, "127.0.0.1", Map.of(), List.of(ops));
                SudoRule rule = SudoRule.install(SudoAccess.sudoersLine(ops.name(), user.name()))) {
            List<String> login = List.of("--host", opsSshd.host(), "--port", Integer.toString(opsSshd.port()),
                    "--user", ops.name());
            killClientMidCopy(opsSshd, login, List.of("--sudo"), List.of("--sudo", "--pgdata", pg.pgdata().toString()),
                    true, true);
        }
    }

    /** A run that pulls to the machine that started it is refused by attach, saying why, and left alone. */
    @Test
    void attachRefusesAPullRunItCannotReceive() throws Exception {
        String id = "20991231T235959Z";
        Path run = user.home().resolve(".pg-offline-backup/runs").resolve(id);
        Files.createDirectories(run);
        Files.writeString(run.resolve("params"), "id=" + id + "\ncopy_to=pull\ndest=/var/tmp\n");
        user.chownToUser(user.home().resolve(".pg-offline-backup"));
        try {
            CliRun attached = CliRun.inProcess(line("attach", target(sshd), keyAuth(sshd),
                    List.of("--dest", "/var/tmp", "--id", id, "--json")));
            assertThat(attached.exitCode()).as("%s", attached).isEqualTo(2);
            assertThat(attached.json().path("error").path("code").asText()).isEqualTo("BAD_INPUT");
            assertThat(attached.json().path("error").path("message").asText()).contains("--pull-to").contains(run.toString());
            assertThat(run.resolve("params")).as("left as it was").isRegularFile();
        } finally {
            TestArgs.deleteTree(run);
        }
    }

    @Test
    @FaultCase(id = "restore.client-killed-attach", area = "Faults during backup and restore", phase = "copy",
            injected = "the client JVM of a restore SIGKILLed and its SSH sessions killed while the restore's copy is"
                    + " frozen, then `attach --restore --pgdata --id`",
            mustHold = {"the restore runner outlives its client", "attach follows it to its end: exit 0, status ok,"
                    + " where the previous data directory is kept", "PostgreSQL serves the backup's rows",
                    "the previous data directory is kept aside, whole"})
    void aNewClientReattachesToARestoreAndReportsIt() throws Exception {
        Path dest = TestUser.newWorkDir("dest");
        Path aside = null;
        CliRun.Spawned client = null;
        long frozenCopy = -1;
        long runnerPid = -1;
        try {
            List<String> backup = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest), List.of("--json"));
            CliRun backedUp = CliRun.spawn(CliRun.jarCommand(List.of(), backup), Map.of(), backup);
            assertThat(backedUp.exitCode()).as("%s", backedUp).isZero();
            String backupPath = backedUp.json().path("backupPath").asText();
            pg.query("CREATE TABLE after_backup AS SELECT 1 AS marker");
            List<String> restore = line("restore", target(sshd), keyAuth(sshd), List.of("--backup", backupPath,
                    "--pgdata", pg.pgdata().toString(), "--confirm", pg.pgdata().toString(), "--active-sessions",
                    "wait:20s", "--server-log", pg.directory().resolve("restarted-server.log").toString(), "--json"));
            client = CliRun.Spawned.start(CliRun.jarCommand(List.of(), restore), Map.of());

            // The restore's run directory beside the data directory, its runner, and the runner's copy.
            Pattern runDir = Pattern.compile("^\\." + Pattern.quote(pg.pgdata().getFileName().toString())
                    + "\\.restore-(\\d{8}T\\d{6}Z)\\.run$");
            String id = null;
            Path state = null;
            long deadline = System.nanoTime() + COPY_START_TIMEOUT.toNanos();
            while (frozenCopy < 0) {
                assertThat(System.nanoTime() - deadline).as("the restore's copy did not show up; client:\n%s",
                        client.output()).isNegative();
                assertThat(client.process().isAlive()).as("client ended before the copy:\n%s", client.output())
                        .isTrue();
                for (String name : id == null ? names(pg.directory()) : List.<String>of()) {
                    Matcher m = runDir.matcher(name);
                    if (m.matches()) {
                        id = m.group(1);
                        state = pg.directory().resolve(name).resolve("state");
                    }
                }
                if (state != null && runnerPid < 0) {
                    Matcher m = RUNNER_PID.matcher(read(state));
                    runnerPid = m.find() ? Long.parseLong(m.group(1)) : -1;
                }
                Optional<ProcessHandle> copy = runnerPid < 0 ? Optional.empty() : copyChild(runnerPid);
                if (copy.isPresent()) {
                    assertThat(Procs.signal(copy.get().pid(), "STOP")).as("SIGSTOP to the copy").isTrue();
                    frozenCopy = copy.get().pid();
                } else {
                    sleep(5);
                }
            }
            assertThat(awaitStopped(frozenCopy)).as("state of the copy %s after SIGSTOP", frozenCopy).isEqualTo('T');
            assertThat(read(state)).containsPattern("(?m)^\\d+ phase copy");
            assertThat(pg.isRunning()).as("PostgreSQL is down during the restore's copy").isFalse();

            client.kill();
            sshd.killSessions();
            assertThat(Procs.isAlive(runnerPid)).as("the restore runner outlives its client").isTrue();
            List<String> attachLine = line("attach", target(sshd), keyAuth(sshd), List.of("--restore", "--pgdata",
                    pg.pgdata().toString(), "--id", id, "--json"));
            CliRun attached = attachWhileFrozen(attachLine, frozenCopy);
            frozenCopy = -1;
            assertThat(attached.exitCode()).as("%s", attached).isZero();
            assertThat(attached.json().path("status").asText()).isEqualTo("ok");
            assertThat(attached.json().path("restoredFrom").asText()).isEqualTo(backupPath);
            aside = Path.of(attached.json().path("movedAsideTo").asText());
            assertThat(aside.getFileName().toString()).isEqualTo(pg.pgdata().getFileName() + ".pre-restore-" + id);
            assertThat(aside.resolve("PG_VERSION")).isRegularFile();
            awaitServing(RECOVERY_BOUND);
            assertThat(pg.query("SELECT count(*) FROM pg_class WHERE relname = 'after_backup'")).isEqualTo("0");
            assertThat(names(state.getParent())).as("the restore's record stays; its scripts go")
                    .contains("restore.log", "state", "params").doesNotContain("follow.sh", "restore.sh", "lib.sh");
        } finally {
            if (frozenCopy > 0) {
                Procs.signal(frozenCopy, "CONT");
            }
            if (client != null) {
                client.kill();
                client.deleteFiles();
            }
            if (runnerPid > 0 && !Procs.awaitDeath(runnerPid, RECOVERY_BOUND)) {
                ProcessHandle.of(runnerPid).ifPresent(Procs::killTree);
            }
            if (aside != null) {
                TestArgs.deleteTree(aside);
            }
            TestArgs.deleteTree(dest);
        }
    }

    private void killClientMidCopy(boolean dropConnection) {
        killClientMidCopy(dropConnection, false);
    }

    private void killClientMidCopy(boolean dropConnection, boolean reattach) {
        killClientMidCopy(sshd, target(sshd), List.of(), List.of(), dropConnection, reattach);
    }

    /**
     * As {@code login} through {@code server}; {@code backupOptions} and {@code attachOptions} go
     * after the usual ones of backup and of attach.
     */
    private void killClientMidCopy(SshServer server, List<String> login, List<String> backupOptions,
            List<String> attachOptions, boolean dropConnection, boolean reattach) {
        Path dest = TestUser.newWorkDir("dest");
        List<String> backup = line("backup", login, keyAuth(server), cluster(pg, dest), List.of("--json"),
                backupOptions);
        CliRun.Spawned client = CliRun.Spawned.start(CliRun.jarCommand(List.of(), backup), Map.of());
        long frozenCopy = -1;
        long runnerPid = -1;
        try {
            // Find the run, its runner, and the runner's copy; freeze it as soon as it exists.
            String id = awaitRunId(dest, client);
            Path state = dest.resolve("." + id + ".run").resolve("state");
            long deadline = System.nanoTime() + COPY_START_TIMEOUT.toNanos();
            while (frozenCopy < 0) {
                assertThat(System.nanoTime() - deadline).as("the runner's cp did not show up; client:\n%s\nstate:\n%s",
                        client.output(), read(state)).isNegative();
                assertThat(client.process().isAlive()).as("client ended before the copy:\n%s", client.output())
                        .isTrue();
                if (runnerPid < 0) {
                    Matcher m = RUNNER_PID.matcher(read(state));
                    runnerPid = m.find() ? Long.parseLong(m.group(1)) : -1;
                }
                Optional<ProcessHandle> cp = runnerPid < 0 ? Optional.empty() : copyChild(runnerPid);
                if (cp.isPresent()) {
                    assertThat(Procs.signal(cp.get().pid(), "STOP")).as("SIGSTOP to cp").isTrue();
                    frozenCopy = cp.get().pid();
                } else {
                    sleep(5);
                }
            }
            assertThat(awaitStopped(frozenCopy)).as("state of cp %s after SIGSTOP (T: frozen before it finished;"
                    + " Z or ?: it finished first, make the cluster bigger)", frozenCopy).isEqualTo('T');
            assertThat(read(state)).as("state file").containsPattern("(?m)^\\d+ phase copy");
            assertThat(pg.isRunning()).as("PostgreSQL is down during the copy").isFalse();
            assertThat(dest.resolve("." + id + ".partial")).isDirectory();
            assertThat(dest.resolve(id)).doesNotExist();

            // Kill the client (and, in the first case, its connection) while the copy is frozen.
            client.kill();
            assertThat(Procs.isAlive(client.process().pid())).isFalse();
            if (dropConnection) {
                server.killSessions();
                assertThat(server.sessionProcessPids()).as("sshd sessions after killing them").isEmpty();
            }
            assertThat(Procs.isAlive(runnerPid)).as("the runner outlives its client").isTrue();
            if (reattach) {
                List<String> attachLine = line("attach", login, keyAuth(server),
                        List.of("--dest", dest.toString(), "--id", id, "--json"), attachOptions);
                CliRun attached = attachWhileFrozen(attachLine, frozenCopy);
                frozenCopy = -1;
                assertThat(attached.exitCode()).as("%s", attached).isZero();
                assertThat(attached.json().path("status").asText()).isEqualTo("ok");
                assertThat(attached.json().path("backupId").asText()).isEqualTo(id);
                assertThat(attached.json().path("files").asLong()).isPositive();
                assertThat(Path.of(attached.json().path("backupPath").asText()).resolve("manifest.json"))
                        .isRegularFile();
                assertThat(names(dest)).as("the follower cleaned up the run's files").containsExactly(id);
                awaitServing(RECOVERY_BOUND);
                return;
            }
            Procs.signal(frozenCopy, "CONT");
            frozenCopy = -1;

            // PostgreSQL serves again within the bound, and the runner ends.
            awaitServing(RECOVERY_BOUND);
            assertThat(Procs.awaitDeath(runnerPid, RECOVERY_BOUND)).as("the runner ends; state:\n%s", read(state))
                    .isTrue();
            String lastEvent = lastLine(read(state));
            assertThat(lastEvent).as("the runner's last event").containsPattern("^\\d+ end ");

            // On disk: a complete backup or only a partial copy, never both.
            Path complete = dest.resolve(id);
            Path partial = dest.resolve("." + id + ".partial");
            boolean isComplete = Files.isDirectory(complete);
            assertThat(isComplete).as("exactly one of %s and %s exists: %s", complete, partial, names(dest))
                    .isNotEqualTo(Files.exists(partial));
            if (isComplete) {
                assertThat(lastEvent).contains("end ok");
                assertThat(complete.resolve("data").resolve("PG_VERSION")).isRegularFile();
                JsonNode manifest = readJson(complete.resolve("manifest.json"));
                assertThat(manifest.path("backupId").asText()).isEqualTo(id);
                assertThat(manifest.path("totals").path("files").asLong()).isPositive();
            } else {
                assertThat(lastEvent).contains("end failed");
            }

            // The next run of the tool reports how that run ended.
            List<String> plan = line("plan", login, keyAuth(server), cluster(pg, dest), List.of("--json"),
                    backupOptions);
            CliRun planRun = CliRun.spawn(CliRun.jarCommand(List.of(), plan), Map.of(), plan);
            assertThat(planRun.exitCode()).as("%s", planRun).isZero();
            JsonNode previous = previousRun(planRun.json(), id);
            assertThat(previous).as("run %s in previousRuns of %s", id, planRun).isNotNull();
            assertThat(previous.path("runnerAlive").asBoolean()).isFalse();
            assertThat(previous.path("outcome").asText()).as("%s", planRun)
                    .isEqualTo(isComplete ? "complete" : "failed");
            assertThat(pg.isRunning()).isTrue();
        } finally {
            leaveNothingBehind(frozenCopy, client, runnerPid, dest);
        }
    }

    /**
     * Runs {@code attachLine} in this JVM while the run's copy {@code frozen} is held, checks that it
     * waits for the run, then thaws the copy and returns how attach ended.
     */
    private static CliRun attachWhileFrozen(List<String> attachLine, long frozen) {
        java.util.concurrent.CompletableFuture<CliRun> attach =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> CliRun.inProcess(attachLine));
        sleep(1000);
        assertThat(attach).as("attach follows the frozen run").isNotDone();
        Procs.signal(frozen, "CONT");
        return attach.join();
    }

    /** Thaws the frozen copy, ends the client and the runner, removes the destination. */
    private static void leaveNothingBehind(long frozen, CliRun.Spawned client, long runnerPid, Path dest) {
        if (frozen > 0) {
            Procs.signal(frozen, "CONT");
        }
        client.kill();
        client.deleteFiles();
        if (runnerPid > 0 && !Procs.awaitDeath(runnerPid, RECOVERY_BOUND)) {
            // Leave nothing behind; PostgreSQL itself is the fixture's to stop.
            ProcessHandle.of(runnerPid).ifPresent(Procs::killTree);
        }
        TestArgs.deleteTree(dest);
    }

    /** Waits for the client to create {@code <dest>/.<id>.run/state}; returns the id. */
    private static String awaitRunId(Path dest, CliRun.Spawned client) {
        long deadline = System.nanoTime() + COPY_START_TIMEOUT.toNanos();
        while (true) {
            for (String name : names(dest)) {
                Matcher m = RUN_DIR.matcher(name);
                if (m.matches() && Files.exists(dest.resolve(name).resolve("state"))) {
                    return m.group(1);
                }
            }
            assertThat(client.process().isAlive()).as("client ended before starting a run:\n%s", client.output())
                    .isTrue();
            assertThat(System.nanoTime() - deadline).as("no run started in %s; client:\n%s", dest, client.output())
                    .isNegative();
            sleep(5);
        }
    }

    /** The cp or tar that copies for the runner, if there is one right now. */
    private static Optional<ProcessHandle> copyChild(long runnerPid) {
        return ProcessHandle.of(runnerPid).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> Procs.isCopy(p.pid()))
                .findFirst();
    }

    /** PostgreSQL accepts queries and pg_control says it is in production, within the bound. */
    private static void awaitServing(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> failures = new ArrayList<>();
        while (true) {
            try {
                if (pg.isRunning() && pg.query("SELECT 1").equals("1") && pg.controlState().equals("in production")) {
                    return;
                }
            } catch (RuntimeException e) {
                failures.add(e.getMessage().lines().findFirst().orElse(""));
            }
            assertThat(System.nanoTime() - deadline).as("PostgreSQL serving again within %s; last errors: %s", bound,
                    failures.subList(Math.max(0, failures.size() - 3), failures.size())).isNegative();
            sleep(200);
        }
    }

    private static JsonNode previousRun(JsonNode plan, String id) {
        for (JsonNode run : plan.path("previousRuns")) {
            if (run.path("id").asText().equals(id)) {
                return run;
            }
        }
        return null;
    }

    /**
     * Waits for a SIGSTOPped process to show as stopped: the signal takes effect only when the process
     * next leaves the kernel, so a copy busy in disk I/O (state D) stays "running" for a moment.
     */
    private static char awaitStopped(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        char state = processState(pid);
        while (state != 'T' && state != 'Z' && state != '?' && System.nanoTime() - deadline < 0) {
            sleep(10);
            state = processState(pid);
        }
        return state;
    }

    /** The state letter from /proc/PID/stat (R, S, T, Z...), or '?' if the process is gone. */
    private static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static JsonNode readJson(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
