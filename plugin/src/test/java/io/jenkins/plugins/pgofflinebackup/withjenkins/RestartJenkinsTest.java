package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreAction;
import io.pgofflinebackup.backup.RunnerProbe;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A controller restart in the middle of a backup or a restore. Once the runner has taken over (and
 * the step has saved the backup id or the restore's run), the step re-attaches after the restart and
 * finishes as if nothing had happened. Before that, nothing was changed yet, and the step fails
 * saying how to look.
 */
class RestartJenkinsTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static RealDatabaseHost host;

    @BeforeAll
    static void startHost() {
        host = new RealDatabaseHost();
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
    }

    @Test
    void aRestartDuringTheCopyReattachesAndTheBackupCompletes() throws Throwable {
        PgCluster cluster = host.cluster(10);
        Path dest = host.dest();
        long[] frozenCopy = new long[1];
        try {
            sessions.then(j -> {
                host.addCredentials();
                WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "reattached");
                p.setDefinition(new CpsFlowDefinition("def b = pgOfflineBackup " + host.arguments(cluster, dest) + "\n"
                        + "echo \"after the restart: ${b.id} verified=${b.verified}\"\n", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                // Hold the runner in the middle of its copy, with PostgreSQL stopped.
                frozenCopy[0] = RunnerProbe.freezeCopy(dest, Duration.ofSeconds(120));
                awaitSavedRun(b, "(backup id 2");
            });
            sessions.then(j -> {
                RunnerProbe.thaw(frozenCopy[0]);
                WorkflowRun b = j.jenkins.getItemByFullName("reattached", WorkflowJob.class).getBuildByNumber(1);
                j.waitForCompletion(b);
                j.assertBuildStatus(Result.SUCCESS, b);
                j.assertLogContains("re-attaching to its run", b);
                PgOfflineBackupAction action = b.getAction(PgOfflineBackupAction.class);
                assertTrue(action.isOk());
                j.assertLogContains("after the restart: " + action.getBackupId() + " verified=true", b);
                assertTrue(Files.isRegularFile(Path.of(action.getManifestPath())));
                assertEquals(3, action.getArchivedRecords().size(), action.getArchivedRecords().toString());
                assertTrue(cluster.isRunning());
            });
        } finally {
            if (frozenCopy[0] != 0) {
                RunnerProbe.thaw(frozenCopy[0]);
            }
        }
    }

    @Test
    void aRestartDuringTheRestoreReattachesAndTheRestoreCompletes() throws Throwable {
        PgCluster cluster = host.cluster(10);
        cluster.query("CREATE TABLE notes AS SELECT 'at backup' AS v");
        String[] backupPath = new String[1];
        long[] frozenCopy = new long[1];
        try {
            sessions.then(j -> {
                host.addCredentials();
                WorkflowJob nightly = j.jenkins.createProject(WorkflowJob.class, "nightly");
                nightly.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest()),
                        true));
                WorkflowRun backup = nightly.scheduleBuild2(0).waitForStart();
                j.waitForCompletion(backup);
                j.assertBuildStatus(Result.SUCCESS, backup);
                backupPath[0] = backup.getAction(PgOfflineBackupAction.class).getBackupPath();
                cluster.query("UPDATE notes SET v = 'after the backup'");
                WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "restore-reattached");
                p.setDefinition(new CpsFlowDefinition("def r = pgOfflineRestore " + host.restoreArguments(cluster,
                        "'" + backupPath[0] + "'") + "\n"
                        + "echo \"after the restart: restored=${r.restoredFrom} rolledBack=${r.rolledBack}\"\n", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                // Hold the runner in the middle of its copy, with PostgreSQL stopped; its run is beside PGDATA.
                frozenCopy[0] = RunnerProbe.freezeCopy(cluster.directory(), Duration.ofSeconds(120));
                awaitSavedRun(b, "(restore run 2");
            });
            sessions.then(j -> {
                RunnerProbe.thaw(frozenCopy[0]);
                WorkflowRun b = j.jenkins.getItemByFullName("restore-reattached", WorkflowJob.class).getBuildByNumber(1);
                j.waitForCompletion(b);
                j.assertBuildStatus(Result.SUCCESS, b);
                j.assertLogContains("re-attaching to its restore run", b);
                PgOfflineRestoreAction action = b.getAction(PgOfflineRestoreAction.class);
                assertTrue(action.isOk());
                assertEquals(backupPath[0], action.getRestoredFrom());
                j.assertLogContains("after the restart: restored=" + backupPath[0] + " rolledBack=false", b);
                assertTrue(cluster.isRunning());
                assertEquals("at backup", cluster.query("SELECT v FROM notes"));
            });
        } finally {
            if (frozenCopy[0] != 0) {
                RunnerProbe.thaw(frozenCopy[0]);
            }
        }
    }

    /**
     * The step saves the run (a backup id, a restore run) at its next status poll after the runner
     * started (every 5 s); its status then names it.
     */
    private static void awaitSavedRun(WorkflowRun b, String named) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<StepExecution> running = b.getExecution().getCurrentExecutions(false).get();
            if (running.stream().map(StepExecution::getStatus).anyMatch(s -> s != null && s.contains(named))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the step never saved its run");
    }

    @Test
    void aRestartBeforeTheRunnerTookOverFailsAndSaysWhatToCheck() throws Throwable {
        PgCluster cluster = host.cluster();
        // A connected client holds the backup in its no-downtime phase: the restart never touches PostgreSQL.
        Process client = cluster.openSession("SELECT pg_sleep(600)");
        try {
            sessions.then(j -> {
                host.addCredentials();
                WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "restarted");
                p.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest())
                        + ", activeSessions: 'wait:10m'", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                j.waitForMessage("waiting up to 10m", b);
            });
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("restarted", WorkflowJob.class).getBuildByNumber(1);
                j.waitForCompletion(b);
                j.assertBuildStatus(Result.FAILURE, b);
                j.assertLogContains("Jenkins restarted while pgOfflineBackup was preparing the backup of "
                        + host.sshd.host(), b);
                j.assertLogContains("pg-offline-backup plan", b);
                assertTrue(cluster.isRunning());
            });
        } finally {
            client.destroyForcibly();
        }
    }
}
