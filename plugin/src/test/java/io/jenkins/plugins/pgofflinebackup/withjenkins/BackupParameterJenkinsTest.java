package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.pgofflinebackup.KnownHostsFileVerification;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupParameterDefinition;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupParameterValue;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreBuilder;
import io.jenkins.plugins.pgofflinebackup.RecordedBackup;
import io.pgofflinebackup.testing.PgCluster;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.html.HtmlOption;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlSelect;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The backup parameter lists the complete backups a backup job's builds recorded, newest first, to
 * the users who may see that job; a freestyle restore job picks from it and a person confirms.
 */
@WithJenkins
class BackupParameterJenkinsTest {
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

    /** A backup job with two complete backups and one refused between them. */
    private List<PgOfflineBackupAction> twoBackups(PgCluster cluster) throws Exception {
        WorkflowJob nightly = j.jenkins.createProject(WorkflowJob.class, "nightly");
        nightly.setDefinition(new CpsFlowDefinition("pgOfflineBackup " + host.arguments(cluster, host.dest()), true));
        WorkflowRun first = j.buildAndAssertSuccess(nightly);
        Process session = cluster.openSession("SELECT pg_sleep(300)");
        try {
            j.buildAndAssertStatus(hudson.model.Result.FAILURE, nightly);
        } finally {
            session.destroyForcibly();
        }
        WorkflowRun third = j.buildAndAssertSuccess(nightly);
        return List.of(third.getAction(PgOfflineBackupAction.class), first.getAction(PgOfflineBackupAction.class));
    }

    @Test
    void theCompleteBackupsAreListedNewestFirstAndOnlyThoseCanBeChosen() throws Exception {
        PgCluster cluster = host.cluster();
        List<PgOfflineBackupAction> backups = twoBackups(cluster);
        PgOfflineBackupParameterDefinition parameter = new PgOfflineBackupParameterDefinition("BACKUP", "nightly");

        List<RecordedBackup> choices = parameter.getChoices();

        assertEquals(List.of(backups.get(0).getBackupPath(), backups.get(1).getBackupPath()),
                choices.stream().map(RecordedBackup::getPath).toList());
        assertEquals(3, choices.get(0).getBuild());
        assertEquals(host.sshd.host(), choices.get(0).getHost());
        PgOfflineBackupParameterValue value = (PgOfflineBackupParameterValue) parameter.createValue(
                backups.get(1).getBackupPath());
        assertEquals(backups.get(1).getBackupId(), value.getBackupId());
        assertThrows(IllegalArgumentException.class, () -> parameter.createValue("/etc"));
    }

    @Test
    void theBuildFormShowsTheBackupsToTheUsersWhoMaySeeTheBackupJob() throws Exception {
        PgCluster cluster = host.cluster();
        List<PgOfflineBackupAction> backups = twoBackups(cluster);
        FreeStyleProject restore = j.createFreeStyleProject("restore");
        restore.addProperty(new ParametersDefinitionProperty(new PgOfflineBackupParameterDefinition("BACKUP", "nightly")));
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ).everywhere().toEveryone()
                .grant(Item.READ, Item.BUILD).onItems(restore).to("operator")
                .grant(Item.READ).onItems(j.jenkins.getItemByFullName("nightly")).to("dba")
                .grant(Item.READ, Item.BUILD).onItems(restore).to("dba"));

        JenkinsRule.WebClient dba = j.createWebClient();
        dba.login("dba");
        HtmlPage form = dba.getPage(restore, "build?delay=0sec");
        HtmlSelect select = form.getElementByName("value");
        List<String> offered = select.getOptions().stream().map(HtmlOption::getValueAttribute).toList();
        assertEquals(List.of(backups.get(0).getBackupPath(), backups.get(1).getBackupPath()), offered);
        assertTrue(select.getOptions().get(0).getText().startsWith(backups.get(0).getBackupId() + ": "),
                select.getOptions().get(0).getText());

        // Someone who cannot read the backup job learns nothing about its backups.
        PgOfflineBackupParameterDefinition parameter = (PgOfflineBackupParameterDefinition) restore
                .getProperty(ParametersDefinitionProperty.class).getParameterDefinition("BACKUP");
        try (ACLContext ignored = ACL.as2(User.getById("operator", true).impersonate2())) {
            assertEquals(List.of(), parameter.getChoices());
            assertThrows(IllegalArgumentException.class, () -> parameter.createValue(backups.get(0).getBackupPath()));
        }
        JenkinsRule.WebClient operator = j.createWebClient();
        operator.login("operator");
        String page = operator.getPage(restore, "build?delay=0sec").getWebResponse().getContentAsString();
        assertTrue(page.contains("No complete backup recorded by nightly that you can see"), page);
        assertTrue(!page.contains(backups.get(0).getBackupId()), page);
    }

    @Test
    void aFreestyleRestoreJobRestoresTheChosenBackupConfirmedByAPerson() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes AS SELECT 'first backup' AS v");
        List<PgOfflineBackupAction> backups = twoBackups(cluster);
        cluster.query("UPDATE notes SET v = 'now'");
        FreeStyleProject restore = j.createFreeStyleProject("restore-db");
        PgOfflineBackupParameterDefinition parameter = new PgOfflineBackupParameterDefinition("BACKUP", "nightly");
        restore.addProperty(new ParametersDefinitionProperty(parameter,
                new StringParameterDefinition("CONFIRM", "", "Type the data directory to confirm")));
        PgOfflineRestoreBuilder builder = new PgOfflineRestoreBuilder(host.sshd.host(), RealDatabaseHost.CREDENTIALS_ID,
                "${BACKUP}", cluster.pgdata().toString(), "${CONFIRM}");
        builder.setPort(host.sshd.port());
        KnownHostsFileVerification knownHosts = new KnownHostsFileVerification();
        knownHosts.setKnownHostsFile(host.sshd.knownHostsFile().toString());
        builder.setHostKeyVerification(knownHosts);
        builder.setStopTimeout("30s");
        builder.setStartTimeout("30s");
        restore.getBuildersList().add(builder);

        FreeStyleBuild b = j.assertBuildStatusSuccess(restore.scheduleBuild2(0, new ParametersAction(
                parameter.createValue(backups.get(1).getBackupPath()),
                new StringParameterValue("CONFIRM", cluster.pgdata().toString()))));

        assertEquals("first backup", cluster.query("SELECT v FROM notes"));
        PgOfflineRestoreAction action = b.getAction(PgOfflineRestoreAction.class);
        assertEquals(backups.get(1).getBackupPath(), action.getRestoredFrom());
        assertTrue(action.isOk());
        // The parameter's page says which backup was chosen.
        assertTrue(j.createWebClient().goTo(b.getUrl() + "parameters/").getWebResponse().getContentAsString()
                .contains(backups.get(1).getBackupId()));
    }

    @Test
    void theParameterFormRoundTrips() throws Exception {
        FreeStyleProject restore = j.createFreeStyleProject("restore-form");
        PgOfflineBackupParameterDefinition parameter = new PgOfflineBackupParameterDefinition("BACKUP",
                "databases/db1-nightly");
        parameter.setHost("db1.example.com");
        parameter.setMaxBackups(7);
        parameter.setDescription("Which backup to put back");
        restore.addProperty(new ParametersDefinitionProperty(parameter));

        j.configRoundtrip(restore);

        j.assertEqualDataBoundBeans(parameter,
                restore.getProperty(ParametersDefinitionProperty.class).getParameterDefinition("BACKUP"));
    }
}
