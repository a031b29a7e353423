package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.pgofflinebackup.KnownHostsFileVerification;
import io.jenkins.plugins.pgofflinebackup.ManuallyProvidedKeyVerification;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreStep;
import io.jenkins.plugins.pgofflinebackup.PgOfflineVerifyStep;
import io.pgofflinebackup.testing.PgCluster;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jenkins.util.VirtualFile;
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

/**
 * pgOfflineRestore and pgOfflineVerify in real Pipelines against a real sshd and real PostgreSQL
 * clusters, and the backup's records archived with its build.
 */
@WithJenkins
class PgOfflineRestoreStepJenkinsTest {
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

    private WorkflowRun backup(String jobName, PgCluster cluster) throws Exception {
        WorkflowJob p = j.jenkins.getItemByFullName(jobName, WorkflowJob.class);
        if (p == null) {
            p = j.jenkins.createProject(WorkflowJob.class, jobName);
            p.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest()), true));
        }
        return j.buildAndAssertSuccess(p);
    }

    private WorkflowRun run(String jobName, String script, Result expected) throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, jobName);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return j.buildAndAssertStatus(expected, p);
    }

    @Test
    void aPipelineRestoreBringsTheBackupBackAndKeepsTheDataDirectoryThatWasThere() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes AS SELECT 'at backup' AS v");
        PgOfflineBackupAction backup = backup("nightly", cluster).getAction(PgOfflineBackupAction.class);
        cluster.query("UPDATE notes SET v = 'after the backup'");

        WorkflowRun b = run("restore", "def r = pgOfflineRestore " + host.restoreArguments(cluster,
                "'" + backup.getBackupPath() + "'") + "\n"
                + "echo \"restored=${r.restoredFrom} rolledBack=${r.rolledBack} running=${r.databaseRunning}\"\n"
                + "echo \"aside=${r.movedAsideTo}\"\n"
                + "assert r.downtimeMillis > 0\n", Result.SUCCESS);

        assertEquals("at backup", cluster.query("SELECT v FROM notes"));
        assertTrue(cluster.isRunning());
        PgOfflineRestoreAction action = b.getAction(PgOfflineRestoreAction.class);
        assertTrue(action.isOk());
        assertFalse(action.isRolledBack());
        assertEquals(backup.getBackupPath(), action.getRestoredFrom());
        // Nothing is deleted: the data directory as it was before the restore is kept whole.
        Path aside = Path.of(action.getMovedAsideTo());
        assertTrue(Files.isRegularFile(aside.resolve("PG_VERSION")), aside.toString());
        j.assertLogContains("restored=" + backup.getBackupPath() + " rolledBack=false running=true", b);
        j.assertLogContains("aside=" + aside, b);
        j.assertLogContains("[pgOfflineRestore " + host.sshd.host() + "]", b);
        j.assertLogNotContains("PRIVATE KEY", b);
        JenkinsRule.WebClient wc = j.createWebClient();
        assertTrue(wc.getPage(b).getWebResponse().getContentAsString().contains(action.getMovedAsideTo()));
        assertTrue(wc.goTo(b.getUrl() + action.getUrlName() + "/").getWebResponse().getContentAsString()
                .contains(action.getLogPath()));
    }

    @Test
    void aBackupIdIsLookedUpInTheBackupJobsRecords() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes AS SELECT 1 AS id");
        PgOfflineBackupAction backup = backup("db-nightly", cluster).getAction(PgOfflineBackupAction.class);
        cluster.query("DROP TABLE notes");

        WorkflowRun b = run("restore-by-id", "pgOfflineRestore " + host.restoreArguments(cluster,
                "'" + backup.getBackupId() + "', backupJob: 'db-nightly'"), Result.SUCCESS);

        assertEquals("1", cluster.query("SELECT count(*) FROM notes"));
        PgOfflineRestoreAction action = b.getAction(PgOfflineRestoreAction.class);
        assertEquals(backup.getBackupPath(), action.getRestoredFrom());
        assertEquals("db-nightly #1", action.getRecordedBy());
        j.assertLogContains("backup " + backup.getBackupId() + ", recorded by db-nightly #1, is " + backup.getBackupPath(),
                b);
    }

    @Test
    void anUnknownIdIsRefusedBeforeTheHostIsContacted() throws Exception {
        PgCluster cluster = host.cluster();
        backup("db-nightly-2", cluster);
        long pid = cluster.postmasterPid();

        WorkflowRun b = run("restore-unknown", "pgOfflineRestore " + host.restoreArguments(cluster,
                "'20000101T000000Z', backupJob: 'db-nightly-2'"), Result.FAILURE);

        j.assertLogContains("No build of db-nightly-2 recorded a complete backup with the id 20000101T000000Z", b);
        j.assertLogNotContains("connecting", b);
        assertEquals(pid, cluster.postmasterPid());
    }

    @Test
    void aWrongConfirmationIsRefusedBeforeAnythingIsContacted() throws Exception {
        PgCluster cluster = host.cluster();
        PgOfflineBackupAction backup = backup("nightly-3", cluster).getAction(PgOfflineBackupAction.class);
        long pid = cluster.postmasterPid();
        String arguments = host.restoreArguments(cluster, "'" + backup.getBackupPath() + "'")
                .replace("confirm: '" + cluster.pgdata() + "'", "confirm: '" + cluster.pgdata() + "/'");

        WorkflowRun b = run("restore-unconfirmed", "pgOfflineRestore " + arguments, Result.FAILURE);

        j.assertLogContains("does not repeat PGDATA", b);
        j.assertLogContains("Nothing was done", b);
        assertTrue(b.getActions(PgOfflineRestoreAction.class).isEmpty());
        assertEquals(pid, cluster.postmasterPid());
    }

    @Test
    void theBackupsRecordsAreArchivedWithItsBuild() throws Exception {
        PgCluster cluster = host.cluster();
        WorkflowRun b = backup("archived", cluster);
        PgOfflineBackupAction backup = b.getAction(PgOfflineBackupAction.class);

        String folder = "pg-offline-backup/" + host.sshd.host() + "/" + backup.getBackupId() + "/";
        VirtualFile manifest = b.getArtifactManager().root().child(folder + "manifest.json");
        assertTrue(manifest.isFile(), "archived: " + b.getArtifacts());
        try (InputStream in = manifest.open()) {
            assertEquals(Files.readString(Path.of(backup.getManifestPath())), new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertTrue(b.getArtifactManager().root().child(folder + "backup.log").isFile());
        assertEquals(3, backup.getArchivedRecords().size(), backup.getArchivedRecords().toString());
        j.assertLogContains("Archived the backup's records with the build", b);
    }

    @Test
    void verifyPassesAnIntactBackupAndFailsAChangedOne() throws Exception {
        PgCluster cluster = host.cluster();
        PgOfflineBackupAction backup = backup("to-verify", cluster).getAction(PgOfflineBackupAction.class);
        String verify = "pgOfflineVerify " + host.connection() + ", backup: '" + backup.getBackupPath() + "'";

        WorkflowRun ok = run("verify-ok", "def v = " + verify + "\n"
                + "echo \"status=${v.status} valid=${v.valid} files=${v.files}\"\n", Result.SUCCESS);
        j.assertLogContains("status=ok valid=true files=", ok);

        Files.writeString(Path.of(backup.getBackupPath(), "data", "PG_VERSION"), "\n", StandardOpenOption.APPEND);

        WorkflowRun failed = run("verify-changed", verify, Result.FAILURE);
        j.assertLogContains("is NOT valid", failed);
        WorkflowRun reported = run("verify-report", "def v = " + verify + ", failOnProblems: false\n"
                + "echo \"status=${v.status} valid=${v.valid} problems=${v.problems.size()}\"\n", Result.SUCCESS);
        j.assertLogContains("status=failed valid=false problems=", reported);
        assertTrue(cluster.isRunning());
    }

    @Test
    void theSnippetFormsRoundTripEveryField() throws Exception {
        PgOfflineRestoreStep restore = new PgOfflineRestoreStep("db1.example.com", RealDatabaseHost.CREDENTIALS_ID,
                "20261125T020003Z", "/var/lib/postgresql/16/main", "/var/lib/postgresql/16/main");
        restore.setBackupJob("databases/db1-nightly");
        restore.setPort(2222);
        restore.setHostKeyVerification(new ManuallyProvidedKeyVerification("SHA256:" + "B".repeat(43)));
        restore.setStopMode("smart");
        restore.setStopTimeout("2m");
        restore.setStartTimeout("90s");
        restore.setActiveSessions("wait:5m");
        restore.setMaxDowntime("15m");
        restore.setStopCommand("sudo -n systemctl stop postgresql@16-main");
        restore.setStartCommand("sudo -n systemctl start postgresql@16-main");
        restore.setDbUser("backup_check");
        restore.setDbName("app");
        restore.setPgBin("/usr/lib/postgresql/16/bin");
        restore.setServerLog("/var/log/postgresql/restart.log");
        restore.setConnectTimeout("45s");
        restore.setReconnectTimeout("10m");
        j.assertEqualDataBoundBeans(restore, new StepConfigTester(j).configRoundTrip(restore));

        PgOfflineVerifyStep verify = new PgOfflineVerifyStep("db1", RealDatabaseHost.CREDENTIALS_ID, "/backup/db1/x");
        verify.setHostKeyVerification(new KnownHostsFileVerification());
        verify.setPgBin("/usr/lib/postgresql/16/bin");
        verify.setFailOnProblems(false);
        verify.setConnectTimeout("30s");
        j.assertEqualDataBoundBeans(verify, new StepConfigTester(j).configRoundTrip(verify));
    }
}
