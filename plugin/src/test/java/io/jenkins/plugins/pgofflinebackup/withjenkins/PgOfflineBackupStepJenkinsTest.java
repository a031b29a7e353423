package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.pgofflinebackup.KnownHostsFileVerification;
import io.jenkins.plugins.pgofflinebackup.ManuallyProvidedKeyVerification;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupStep;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** pgOfflineBackup in real Pipelines against a real sshd and real PostgreSQL clusters. */
@WithJenkins
class PgOfflineBackupStepJenkinsTest {
    @RegisterExtension
    private static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    private static RealDatabaseHost host;
    private JenkinsRule j;

    @BeforeAll
    static void startHost() {
        host = new RealDatabaseHost();
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
    }

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        host.addCredentials();
    }

    @Test
    void backupOutsideNodeConnectsFromTheControllerAndReturnsTheBackup() throws Exception {
        PgCluster cluster = host.cluster();
        long pid = cluster.postmasterPid();
        Path dest = host.dest();
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "outside-node");
        p.setDefinition(new CpsFlowDefinition(
                "def b = pgOfflineBackup " + host.arguments(cluster, dest) + "\n"
                + "echo \"id=${b.id} path=${b.path} files=${b.files} bytes=${b.bytes} verified=${b.verified}\"\n"
                + "assert b.downtimeMillis > 0\n", true));

        WorkflowRun b = j.buildAndAssertSuccess(p);

        PgOfflineBackupAction action = b.getAction(PgOfflineBackupAction.class);
        assertTrue(action.isOk());
        assertTrue(action.isVerified());
        assertEquals(dest.resolve(action.getBackupId()).toString(), action.getBackupPath());
        assertTrue(Files.isRegularFile(Path.of(action.getManifestPath())));
        j.assertLogContains("id=" + action.getBackupId() + " path=" + action.getBackupPath(), b);
        j.assertLogContains("verified=true", b);
        j.assertLogContains("connecting on the controller (outside node)", b);
        j.assertLogContains("[pgOfflineBackup " + host.sshd.host() + "]", b);
        j.assertLogContains("stop: ", b);
        // PostgreSQL was stopped and started again: a new postmaster serves.
        assertTrue(cluster.isRunning());
        assertNotEquals(pid, cluster.postmasterPid());
        // The key never reaches the log.
        j.assertLogNotContains("PRIVATE KEY", b);
    }

    @Test
    void backupInsideNodeConnectsFromTheAgent() throws Exception {
        j.createOnlineSlave(j.jenkins.getLabel("db-backup"));
        PgCluster cluster = host.cluster();
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "inside-node");
        p.setDefinition(new CpsFlowDefinition(
                "node('db-backup') {\n"
                + "  def b = pgOfflineBackup " + host.arguments(cluster, host.dest()) + "\n"
                + "  echo \"backup ${b.id}\"\n"
                + "}\n", true));

        WorkflowRun b = j.buildAndAssertSuccess(p);

        j.assertLogContains("connecting on agent ", b);
        assertTrue(b.getAction(PgOfflineBackupAction.class).getEngineLocation().startsWith("on agent "));
    }

    @Test
    void aRefusedBackupFailsTheBuildAndLeavesPostgresqlRunning() throws Exception {
        PgCluster cluster = host.cluster();
        Process session = cluster.openSession("SELECT pg_sleep(300)");
        try {
            WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "refused");
            p.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest()), true));

            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

            j.assertLogContains("ACTIVE_SESSIONS", b);
            j.assertLogContains("PostgreSQL on " + host.sshd.host() + " is running", b);
            PgOfflineBackupAction action = b.getAction(PgOfflineBackupAction.class);
            assertFalse(action.isOk());
            assertFalse(action.isDatabaseDown());
            assertTrue(cluster.isRunning());
        } finally {
            session.destroyForcibly();
        }
    }

    @Test
    void aWrongPinnedKeyIsRefusedBeforeAnythingIsSent() throws Exception {
        PgCluster cluster = host.cluster();
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "wrong-key");
        p.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest())
                .replaceAll("hostKeyVerification: knownHostsFile\\([^)]*\\)",
                        "hostKeyVerification: manuallyProvidedKey(key: 'SHA256:" + "A".repeat(43) + "')"), true));

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("HOST_KEY_MISMATCH", b);
    }

    @Test
    void theSnippetFormRoundTripsEveryField() throws Exception {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1.example.com", RealDatabaseHost.CREDENTIALS_ID,
                "/var/lib/postgresql/16/main", "/backup/db1");
        step.setPort(2222);
        step.setHostKeyVerification(new ManuallyProvidedKeyVerification("SHA256:" + "B".repeat(43)));
        step.setStopMode("smart");
        step.setStopTimeout("2m");
        step.setStartTimeout("90s");
        step.setActiveSessions("wait:5m");
        step.setMaxDowntime("15m");
        step.setStopCommand("sudo -n systemctl stop postgresql@16-main");
        step.setStartCommand("sudo -n systemctl start postgresql@16-main");
        step.setDbUser("backup_check");
        step.setDbName("app");
        step.setPgBin("/usr/lib/postgresql/16/bin");
        step.setServerLog("/var/log/postgresql/restart.log");
        step.setConnectTimeout("45s");
        step.setReconnectTimeout("10m");

        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        PgOfflineBackupStep minimal = new PgOfflineBackupStep("db1", RealDatabaseHost.CREDENTIALS_ID, "/data", "/backup");
        // The form always submits a choice; its default is the known_hosts file.
        minimal.setHostKeyVerification(new KnownHostsFileVerification());
        j.assertEqualDataBoundBeans(minimal, new StepConfigTester(j).configRoundTrip(minimal));
    }
}
