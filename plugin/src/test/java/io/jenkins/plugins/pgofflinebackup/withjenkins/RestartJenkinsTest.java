package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.pgofflinebackup.testing.PgCluster;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A controller restart in the middle of a backup. The step cannot re-attach yet (the engine has no
 * re-attach call), so after the restart it fails, naming the host and telling how to find out how
 * the run ended. The backup is held in its no-downtime phase by a connected client, so the restart
 * never touches PostgreSQL.
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
    void afterARestartTheStepFailsAndSaysWhatToCheck() throws Throwable {
        PgCluster cluster = host.cluster();
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
                j.assertLogContains("Jenkins restarted while pgOfflineBackup was backing up " + host.sshd.host(), b);
                j.assertLogContains("pg-offline-backup plan", b);
                assertTrue(cluster.isRunning());
            });
        } finally {
            client.destroyForcibly();
        }
    }
}
