package io.pgofflinebackup.backup;

import io.pgofflinebackup.faults.FaultCase;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User-given service commands, a PostgreSQL that will not come back (exit 3), a runner killed
 * outright (the client starts PostgreSQL itself), and paths and files that must be taken literally.
 */
class ServiceAndRecoveryTest {
    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static String pgCtl(PgCluster cluster) {
        return cluster.binDir().resolve("pg_ctl") + " -D '" + cluster.pgdata() + "'";
    }

    @Test
    void userGivenStopAndStartCommandsAreUsed() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT 1 AS n");
        Path marker = TestUser.newWorkDir("commands").resolve("calls");
        String stop = "echo stop >> '" + marker + "' && " + pgCtl(cluster) + " stop -m fast -w";
        String start = "echo start >> '" + marker + "' && " + pgCtl(cluster) + " restart -w -l '"
                + cluster.directory().resolve("custom-start.log") + "'";

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).serviceCommands(stop, start)
                .build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(Files.readAllLines(marker)).containsExactly("stop", "start");
        assertThat(cluster.query("SELECT n FROM t")).isEqualTo("1");
    }

    @Test
    @FaultCase(id = "backup.start-command-fails", area = "Faults during backup and restore", phase = "start",
            injected = "a start command that fails (exit 1)",
            mustHold = {"DATABASE_DOWN, exit 3, databaseRunning false, \"a human is needed now\"", "no complete backup directory"})
    void aPostgresqlThatCannotBeStartedAgainIsExitThreeAndSaysSo() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        String stop = pgCtl(cluster) + " stop -m fast -w";
        Path dest = host.dest();

        BackupResult result = RealHostSupport.backup(host.request(cluster, dest).serviceCommands(stop, "exit 1")
                .startTimeout(Duration.ofSeconds(3)).build());

        assertThat(result.ok()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.DATABASE_DOWN);
        assertThat(result.databaseRunning()).isFalse();
        assertThat(result.errorMessage()).contains("POSTGRESQL IS DOWN", "a human is needed now");
        assertThat(cluster.isRunning()).isFalse();
        // The copy itself was fine, but a run that could not start PostgreSQL again is never complete.
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
        cluster.start();
    }

    @Test
    void aRunnerKilledOutrightIsNoticedAndPostgresqlStartedByTheClient() throws Exception {
        PgCluster cluster = host.cluster();
        Path dest = host.dest();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupRequest request = host.request(cluster, dest).build();

        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> new BackupJob(request, listener).run());
        long cp = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(60));
        long runner = RunnerProbe.runnerPid(dest).orElseThrow();
        Procs.signal(runner, "KILL");
        Procs.signal(cp, "KILL");
        BackupResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).isEqualTo(ErrorCode.RUNNER_DIED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("runner on the host died"));
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.query("SELECT count(*) FROM pgbench_branches")).isEqualTo("1");
        assertThat(RealHostSupport.entries(dest)).allMatch(name -> name.startsWith("."));
        // Nothing the dead runner started lives on (its progress loop checks that the runner lives).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!processesMentioning(dest).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(processesMentioning(dest)).isEmpty();
    }

    /** Processes whose command line names a path below {@code dir}. */
    private static List<Long> processesMentioning(Path dir) throws Exception {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Procs.cmdline(Long.parseLong(p.getFileName().toString())).contains(dir.toString()))
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    @Test
    @FaultCase(id = "hostile.dest-literal", area = "Hostile input", phase = "whole run",
            injected = "a destination named it's a \"dest\" $(touch c) `touch c`; touch c & more",
            mustHold = {"the backup completes into exactly that directory", "no canary appears"})
    void aDestinationWithQuotesSpacesAndDollarsIsUsedLiterally() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        // A slash cannot be part of a name, so the canaries are relative: they would land in the home
        // directory, the working directory of commands run over SSH.
        String canary = "pgob-canary-" + System.nanoTime();
        Path weird = host.dest().resolve("it's a \"dest\" $(touch " + canary + ") `touch " + canary
                + "b`; touch " + canary + "c & more");
        host.user.runAs(List.of("mkdir", weird.toString()), Duration.ofSeconds(10)).orThrow();

        BackupResult result = RealHostSupport.backup(host.request(cluster, weird).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(Path.of(result.backupPath()).getParent()).isEqualTo(weird);
        assertThat(Path.of(result.manifestPath())).exists();
        assertThat(RealHostSupport.entries(host.user.home())).noneMatch(name -> name.startsWith(canary));
    }

    @Test
    void hiddenFilesLinksModesAndTimesAreKept() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path data = cluster.pgdata();
        host.user.runAs(List.of("sh", "-c", "cd '" + data + "' && echo secret > .hidden && chmod 640 .hidden"
                + " && ln -s postgresql.conf conf-link && touch -d '2001-02-03 04:05:06.123456789' .hidden"),
                Duration.ofSeconds(10)).orThrow();
        FileTime mtime = Files.getLastModifiedTime(data.resolve(".hidden"));

        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        Path copy = Path.of(result.backupPath(), "data");
        assertThat(Files.readString(copy.resolve(".hidden"))).isEqualTo("secret\n");
        assertThat(Files.getPosixFilePermissions(copy.resolve(".hidden")))
                .isEqualTo(Files.getPosixFilePermissions(data.resolve(".hidden")));
        assertThat(Files.getLastModifiedTime(copy.resolve(".hidden"))).isEqualTo(mtime);
        assertThat(mtime.toInstant()).isBefore(Instant.parse("2002-01-01T00:00:00Z"));
        assertThat(Files.isSymbolicLink(copy.resolve("conf-link"))).isTrue();
        assertThat(Files.readSymbolicLink(copy.resolve("conf-link"))).isEqualTo(Path.of("postgresql.conf"));
        assertThat(Files.getOwner(copy.resolve("PG_VERSION")).getName()).isEqualTo(host.user.name());
        assertThat(Files.getPosixFilePermissions(copy)).isEqualTo(Files.getPosixFilePermissions(data));
    }
}
