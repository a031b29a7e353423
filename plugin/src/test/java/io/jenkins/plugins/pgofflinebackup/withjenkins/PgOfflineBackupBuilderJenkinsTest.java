package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Result;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.pgofflinebackup.KnownHostsFileVerification;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupAction;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupBuilder;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The freestyle build step: a "Build Now" backup, and its configuration form. */
@WithJenkins
class PgOfflineBackupBuilderJenkinsTest {
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

    private PgOfflineBackupBuilder builder(String hostName, PgCluster cluster, Path dest) {
        PgOfflineBackupBuilder builder = new PgOfflineBackupBuilder(hostName, RealDatabaseHost.CREDENTIALS_ID,
                cluster.pgdata().toString(), dest.toString());
        builder.setPort(host.sshd.port());
        KnownHostsFileVerification knownHosts = new KnownHostsFileVerification();
        knownHosts.setKnownHostsFile(host.sshd.knownHostsFile().toString());
        builder.setHostKeyVerification(knownHosts);
        builder.setStopTimeout("30s");
        builder.setStartTimeout("30s");
        return builder;
    }

    @Test
    void buildNowTakesABackupWithTheHostFromAParameter() throws Exception {
        PgCluster cluster = host.cluster();
        FreeStyleProject p = j.createFreeStyleProject("nightly");
        p.addProperty(new ParametersDefinitionProperty(new StringParameterDefinition("DB_HOST", host.sshd.host())));
        p.getBuildersList().add(builder("${DB_HOST}", cluster, host.dest()));

        FreeStyleBuild b = j.assertBuildStatusSuccess(p.scheduleBuild2(0,
                new ParametersAction(new StringParameterValue("DB_HOST", host.sshd.host()))));

        PgOfflineBackupAction action = b.getAction(PgOfflineBackupAction.class);
        assertTrue(action.isOk());
        j.assertLogContains("Backup " + action.getBackupId() + " of " + host.sshd.host() + " complete", b);
        assertTrue(cluster.isRunning());
        // The summary renders on the build page.
        JenkinsRule.WebClient wc = j.createWebClient();
        assertTrue(wc.getPage(b).getWebResponse().getContentAsString().contains(action.getBackupPath()));
        assertTrue(wc.goTo(b.getUrl() + action.getUrlName() + "/").getWebResponse().getContentAsString()
                .contains(action.getManifestPath()));
    }

    @Test
    void aBadConfigurationFailsTheBuildSayingWhy() throws Exception {
        PgCluster cluster = host.cluster();
        FreeStyleProject p = j.createFreeStyleProject("bad");
        p.getBuildersList().add(builder(host.sshd.host(), cluster, cluster.pgdata().resolve("backups")));

        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("the backup would copy itself", b);
        assertTrue(b.getActions(PgOfflineBackupAction.class).isEmpty());
        assertTrue(cluster.isRunning());
    }

    @Test
    void theFormRoundTrips() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("form");
        PgOfflineBackupBuilder builder = new PgOfflineBackupBuilder("db1", RealDatabaseHost.CREDENTIALS_ID, "/data",
                "/backup");
        builder.setHostKeyVerification(new KnownHostsFileVerification());
        builder.setMaxDowntime("15m");
        builder.setActiveSessions("proceed");
        builder.setStopMode("smart");
        p.getBuildersList().add(builder);

        j.configRoundtrip(p);

        j.assertEqualDataBoundBeans(builder, p.getBuildersList().get(PgOfflineBackupBuilder.class));
        assertFalse(p.getBuildersList().isEmpty());
    }
}
