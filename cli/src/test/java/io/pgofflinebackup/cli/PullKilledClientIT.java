package io.pgofflinebackup.cli;

import static io.pgofflinebackup.cli.TestArgs.keyAuth;
import static io.pgofflinebackup.cli.TestArgs.line;
import static io.pgofflinebackup.cli.TestArgs.names;
import static io.pgofflinebackup.cli.TestArgs.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.faults.FaultCase;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * backup --pull-to: the client (the shaded jar in a JVM of its own) is frozen while it pulls the
 * stopped cluster, then SIGKILLed. Nothing on the database host waits for it: the runner sees the
 * client's connection gone, stops the tar streams and starts PostgreSQL again within a bounded
 * time, and what was pulled stays a .partial directory that is never taken for a backup. The
 * client's own scratch files stay there too, not in its temporary directory.
 */
class PullKilledClientIT {
    /** Big enough (about 160 MB) that the pull takes a while. */
    private static final int PGBENCH_SCALE = 10;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    private static final Duration PULL_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern RUNNER_PID = Pattern.compile("(?m)^\\d+ runner pid=(\\d+)");

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
    @FaultCase(id = "backup.pull-client-killed", area = "Faults during backup and restore", phase = "copy",
            injected = "the --pull-to client JVM frozen mid-pull, then SIGKILLed",
            mustHold = {"the runner gives up the pull and ends", "PostgreSQL serves within 60 s",
                "only a .partial directory on the client's machine, never a sealed backup",
                "nothing of the client's left in its temporary directory"})
    void theClientKilledMidPullLeavesPostgresqlServingAndNoBackup() throws Exception {
        Path local = TestUser.newWorkDir("pulled");
        Path runs = user.home().resolve(".pg-offline-backup/runs");
        List<String> before = Files.isDirectory(runs) ? names(runs) : List.of();
        List<String> backup = line("backup", target(sshd), keyAuth(sshd), List.of("--pgdata", pg.pgdata().toString(),
                "--pull-to", local.toString(), "--snapshot", "none",
                "--server-log", pg.directory().resolve("restarted-server.log").toString(), "--json"));
        // A temporary directory of its own: a killed client runs no clean-up, so whatever it put there stays.
        Path tmp = TestUser.newWorkDir("client-tmp");
        CliRun.Spawned client = CliRun.Spawned.start(CliRun.jarCommand(List.of("-Djava.io.tmpdir=" + tmp), backup),
                Map.of());
        try {
            // The run, the runner's offer, and the first bytes on this side; freeze the client then.
            long deadline = System.nanoTime() + PULL_START_TIMEOUT.toNanos();
            Path state = null;
            Path partial = null;
            while (partial == null) {
                assertThat(client.process().isAlive()).as("client ended before the pull:\n%s", client.output()).isTrue();
                assertThat(System.nanoTime() - deadline).as("no pull started; client:\n%s", client.output()).isNegative();
                if (state == null && Files.isDirectory(runs)) {
                    for (String name : names(runs)) {
                        if (!before.contains(name) && Files.exists(runs.resolve(name).resolve("state"))) {
                            state = runs.resolve(name).resolve("state");
                        }
                    }
                }
                if (state != null && read(state).contains(" pull ready")) {
                    for (String name : names(local)) {
                        if (name.endsWith(".partial") && Files.isDirectory(local.resolve(name).resolve("data/base"))) {
                            partial = local.resolve(name);
                        }
                    }
                }
                Thread.sleep(5);
            }
            assertThat(Procs.signal(client.process().pid(), "STOP")).as("SIGSTOP to the client").isTrue();
            Thread.sleep(200);
            String id = partial.getFileName().toString().replaceAll("^\\.(.*)\\.partial$", "$1");
            assertThat(read(state)).as("the kill lands before the pull completed").doesNotContain("phase verify");
            assertThat(pg.isRunning()).as("PostgreSQL is down during the pull").isFalse();
            Matcher m = RUNNER_PID.matcher(read(state));
            assertThat(m.find()).isTrue();
            long runnerPid = Long.parseLong(m.group(1));

            client.kill();
            assertThat(Procs.isAlive(client.process().pid())).isFalse();

            awaitServing(RECOVERY_BOUND);
            assertThat(Procs.awaitDeath(runnerPid, RECOVERY_BOUND)).as("the runner ends; state:\n%s", read(state)).isTrue();
            String events = read(state);
            assertThat(events).containsPattern("(?m)^\\d+ failed COPY_FAILED the client that pulled the copy is gone");
            assertThat(events).containsPattern("(?m)^\\d+ end failed db=running");
            // No tar stream of the pull outlives the run.
            for (String pid : read(state.resolveSibling("pull.pids")).split("\n")) {
                if (!pid.isBlank()) {
                    assertThat(Procs.awaitDeath(Long.parseLong(pid.strip()), Duration.ofSeconds(10))).as("tar " + pid)
                            .isTrue();
                }
            }
            assertThat(names(local)).containsExactly("." + id + ".partial");
            assertThat(names(tmp)).as("the killed client's files in its temporary directory").isEmpty();
        } finally {
            if (client.process().isAlive()) {
                client.kill();
            }
            client.deleteFiles();
            TestArgs.deleteTree(local);
            TestArgs.deleteTree(tmp);
        }
    }

    private static void awaitServing(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (true) {
            try {
                if (pg.isRunning() && pg.query("SELECT 1").equals("1") && pg.controlState().equals("in production")) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            assertThat(System.nanoTime() - deadline).as("PostgreSQL serving again within %s; last error: %s", bound, last)
                    .isNegative();
            Thread.sleep(200);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
