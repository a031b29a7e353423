package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.restore.UploadedRestore;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into the phases of a restore's critical section on the host: the SSH connection
 * killed (sshd's session process for our connection, by its pid), and the restore runner killed with
 * SIGKILL. Each case takes a backup of its own small cluster, changes the cluster afterwards (so the
 * original data and the backup's can be told apart) and restores, holding the runner in the phase.
 */
class RestoreFaultsTest {
    private static final String AREA = "Faults during backup and restore";
    private static final String MARK = "SELECT v FROM mark";

    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** A running cluster whose backup says 'at backup' and whose data directory now says 'original'. */
    private record Case(PgCluster cluster, BackupResult backup, String rows) {
    }

    private static Case prepared() {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
        cluster.query("CREATE TABLE mark AS SELECT 'at backup'::text AS v");
        // The backend of that psql may outlive it by a moment, and the pre-flight refuses connected
        // clients: this backup only prepares the restore, so it waits for it to leave.
        BackupResult backup = RealHostSupport.backup(host.request(cluster, host.dest())
                .activeSessions(ActiveSessionPolicy.waitFor(Duration.ofSeconds(20))).build());
        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        cluster.query("UPDATE mark SET v = 'original'");
        return new Case(cluster, backup, cluster.query(BackupFaultsTest.ROWS));
    }

    private static CompletableFuture<RestoreResult> restoring(Case c, RealHostSupport.RecordingListener listener) {
        RestoreRequest request = host.restoreRequest(c.cluster(), c.backup().backupPath()).build();
        return CompletableFuture.supplyAsync(() -> new RestoreJob(request, listener).run());
    }

    /** Names beside the data directory that start with its name plus {@code infix}. */
    private static long besideData(PgCluster cluster, String infix) throws Exception {
        try (Stream<Path> list = Files.list(cluster.pgdata().getParent())) {
            return list.filter(p -> p.getFileName().toString().startsWith(cluster.pgdata().getFileName() + infix))
                    .count();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stop", "copy", "start"})
    @FaultCase(id = "restore.connection-killed-held", area = AREA, phase = "{0}",
            injected = "the sshd session process of our connection SIGKILLed (by pid) while the restore runner is "
                    + "held in the phase",
            mustHold = {"the client reconnects and follows the restore runner to its end",
                    "the restore completes (exit 0)", "PostgreSQL runs on the backup's data",
                    "the original data directory is kept aside, whole"})
    void connectionKilledIn(String phase) throws Exception {
        Case c = prepared();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        CompletableFuture<RestoreResult> job = restoring(c, listener);
        long runner = RunHold.freezeRunnerIn(c.cluster().directory(), phase, Duration.ofSeconds(90));
        try {
            assertThat(host.sshd.sessionProcessPids()).as("our connection's session processes").isNotEmpty();
            host.sshd.killSessions();
            Thread.sleep(500);
        } finally {
            Procs.signal(runner, "CONT");
        }
        RestoreResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(listener.warnings).anyMatch(w -> w.contains("lost the connection"));
        assertThat(listener.lines).anyMatch(l -> l.contains("reconnected"));
        assertThat(c.cluster().isRunning()).isTrue();
        assertThat(c.cluster().query(MARK)).isEqualTo("at backup");
        Path aside = Path.of(result.movedAsideTo());
        assertThat(aside.resolve("PG_VERSION")).exists();
        assertThat(host.startCopyOf(aside).query(MARK)).isEqualTo("original");
    }

    @Test
    @FaultCase(id = "restore.upload-client-lost", area = AREA, phase = "copy",
            injected = "a restore from an uploaded local backup (--upload-from): the run's follow.sh made unreadable"
                    + " (chmod 000) while the runner is held at the start of its copy, so that the client gives up"
                    + " following it; then follow.sh readable again and `attach --restore`",
            mustHold = {"the client ends with CONNECTION_LOST and leaves the uploaded copy for the runner, saying so",
                    "the runner, let go, restores from it by itself", "the re-attached client reports the restore"
                    + " ok and removes the uploaded copy", "PostgreSQL serves the backup's rows"})
    void anUploadTheRunnerStillReadsOutlivesItsClientUntilTheRunEnds() throws Exception {
        Case c = prepared();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        String staging = UploadedRestore.stagingPath(c.cluster().pgdata().toString(), c.backup().backupId());
        RestoreRequest request = host.restoreRequest(c.cluster(), staging).build();
        CompletableFuture<RestoreResult> job = CompletableFuture.supplyAsync(
                () -> new UploadedRestore(request, Path.of(c.backup().backupPath()), listener).run());
        long runner = RunHold.freezeRunnerIn(c.cluster().directory(), "copy", Duration.ofSeconds(90), job);
        Path follow = RunHold.stateFile(c.cluster().directory()).orElseThrow().resolveSibling("follow.sh");
        RestoreResult lost;
        try {
            Files.setPosixFilePermissions(follow, Set.of());
            lost = job.get(120, TimeUnit.SECONDS);
        } finally {
            Files.setPosixFilePermissions(follow, PosixFilePermissions.fromString("rw-------"));
            Procs.signal(runner, "CONT");
        }
        assertThat(lost.errorCode()).as(lost.errorMessage()).isEqualTo(ErrorCode.CONNECTION_LOST);
        // The runner restores from the uploaded copy by itself: it was not removed under it.
        assertThat(Procs.awaitDeath(runner, Duration.ofSeconds(120))).as("the runner ends").isTrue();
        assertThat(Files.readString(follow.resolveSibling("state"))).containsPattern("(?m)^\\d+ end ok");
        String id = follow.getParent().getFileName().toString().replaceAll("^.*restore-|\\.run$", "");
        assertThat(listener.warnings).contains("the uploaded copy " + staging + " is left on the database host while"
                + " the restore runner may still read it. `attach --restore --pgdata " + c.cluster().pgdata() + " --id "
                + id + "` follows the run to its end and then removes it");

        RestoreResult attached = RestoreJob.forReattach(request.connection(), false,
                new RealHostSupport.RecordingListener()).reattach(c.cluster().pgdata().toString(), id);
        assertThat(attached.ok()).as(String.valueOf(attached.errorMessage())).isTrue();
        assertThat(attached.restoredFrom()).isEqualTo(staging);
        assertThat(Path.of(staging)).as("the uploaded copy, removed once the run has ended").doesNotExist();
        assertThat(c.cluster().query(MARK)).isEqualTo("at backup");
        assertThat(host.startCopyOf(Path.of(attached.movedAsideTo())).query(MARK)).isEqualTo("original");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stop", "copy", "start"})
    @FaultCase(id = "restore.runner-killed", area = AREA, phase = "{0}",
            injected = "the restore runner on the host (and its tar, pg_ctl, progress loop) SIGKILLed while held in "
                    + "the phase (in the copy: with its tar frozen halfway, so that a partial copy exists)",
            mustHold = {"the Java side notices the dead runner and runs restore.sh's recover mode",
                    "error RUNNER_DIED, exit 1 (Outcome RESTORED), databaseRunning true",
                    "PostgreSQL runs on the ORIGINAL data with the same rows (rolled back if anything was moved)",
                    "nothing is deleted: a partial restored copy is kept as .failed-restore-, no .pre-restore- is "
                            + "left behind, the backup is untouched"})
    void runnerKilledIn(String phase) throws Exception {
        Case c = prepared();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        CompletableFuture<RestoreResult> job = restoring(c, listener);
        Path runs = c.cluster().directory();
        long runner;
        if (phase.equals("copy")) {
            RunHold.freezeCopyReading(runs, Path.of(c.backup().backupPath(), "data"), Duration.ofSeconds(90));
            runner = RunnerProbe.runnerPid(runs).orElseThrow();
            assertThat(c.cluster().pgdata()).as("the partial restored copy").isDirectory();
        } else {
            runner = RunHold.freezeRunnerIn(runs, phase, Duration.ofSeconds(90));
        }
        RunHold.killRunner(runner);
        RestoreResult result = job.get(120, TimeUnit.SECONDS);

        assertThat(result.errorCode()).as(String.valueOf(result.errorMessage())).isEqualTo(ErrorCode.RUNNER_DIED);
        assertThat(ErrorCode.RUNNER_DIED.outcome()).isEqualTo(ErrorCode.Outcome.RESTORED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.databaseRunning()).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("runner on the host died"));
        assertThat(c.cluster().isRunning()).isTrue();
        assertThat(c.cluster().query(MARK)).isEqualTo("original");
        assertThat(c.cluster().query(BackupFaultsTest.ROWS)).isEqualTo(c.rows());
        assertThat(besideData(c.cluster(), ".pre-restore-")).as("nothing left moved aside").isZero();
        // A restore killed once it had begun copying keeps its partial copy; before that there is none.
        assertThat(besideData(c.cluster(), ".failed-restore-")).isEqualTo(phase.equals("stop") ? 0 : 1);
        assertThat(result.rolledBack()).isEqualTo(!phase.equals("stop"));
        assertThat(Path.of(c.backup().manifestPath())).isRegularFile();
    }
}
