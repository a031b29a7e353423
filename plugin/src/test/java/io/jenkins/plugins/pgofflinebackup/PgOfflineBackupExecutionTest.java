package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import hudson.AbortException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PgOfflineBackupExecutionTest {
    static final String ID = "20261125T020003Z";
    static final String RUN_DIR = "/backup/db1/." + ID + ".run";

    private static PgOfflineBackupExecution execution(StepContext context) {
        PgOfflineBackupStep step = BackupSpecTest.fullStep();
        // Trust on first use keeps its keys in JENKINS_HOME, which a unit test has not.
        step.setHostKeyVerification(new KnownHostsFileVerification());
        return new PgOfflineBackupExecution(context, BackupSpec.of(step, UnaryOperator.identity()),
                HostKeySpec.of(step.getHostKeyVerification()));
    }

    @Test
    void theBackupIdIsSavedAsSoonAsTheRunnerHasStarted() {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.heard(new JobStatus("inspect", null, null, 0, 0));
        execution.heard(new JobStatus("stop", ID, RUN_DIR, 0, 0));
        execution.heard(new JobStatus("copy", ID, RUN_DIR, 5, 10));

        verify(context, times(1)).saveState();
        assertEquals(ID, execution.backupId());
        assertEquals("copy 50% on db1.example.com:/var/lib/postgresql/16/main (backup id " + ID + ")",
                execution.getStatus());
    }

    @Test
    void theSavedStateHoldsNamesAndSettingsOnly() {
        Set<Class<?>> allowed = Set.of(String.class, int.class, long.class, boolean.class);
        for (Field field : PgOfflineBackupExecution.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                continue;
            }
            assertTrue(allowed.contains(field.getType()), field.getName() + " (" + field.getType()
                    + ") would be saved with the Pipeline");
        }
    }

    @Test
    void aRestartBeforeTheRunnerReportedFailsSayingHowToLook() {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.heard(new JobStatus("inspect", null, null, 0, 0));

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("preparing the backup of db1.example.com:/var/lib/postgresql/16/main"), message);
        assertTrue(message.contains("pg-offline-backup plan"), message);
        // The step acts through sudo, and so must plan: the runs' files are the cluster owner's.
        assertTrue(message.contains("with --sudo --pgdata /var/lib/postgresql/16/main --dest /backup/db1"), message);
    }

    @Test
    void aRestartReattachesFromTheSameAgentWithCredentialsLookedUpAgain() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.engineRanOn("db-backup-1");
        execution.heard(new JobStatus("copy", ID, RUN_DIR, 5, 10));
        // After the restart the node block gives the same agent back.
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-backup-1");
        agent.answer(job -> CompletableFuture.completedFuture(
                new RemoteJob.Returned<>(BackupOutcome.of(BackupOutcomeTest.success()), null)));
        TestEngine.Build build = TestEngine.buildInContext(context);
        TestEngine.Logins logins = new TestEngine.Logins();
        execution.useCredentials(logins);

        execution.onResume();

        ArgumentCaptor<Object> result = ArgumentCaptor.forClass(Object.class);
        verify(context, timeout(10_000)).onSuccess(result.capture());
        RemoteBackup sent = (RemoteBackup) agent.sent();
        assertEquals(ID, sent.reattachTo());
        // A run started through sudo is the cluster owner's: the re-attach acts as the owner of the same PGDATA.
        assertTrue(execution.resumedSpec().sudo());
        assertEquals("/var/lib/postgresql/16/main", execution.resumedSpec().pgdata());
        assertEquals(List.of("db1-ssh@db1.example.com:2222"), logins.asked);
        assertTrue(logins.sameRun(build.run));
        assertEquals(ID, ((Map<?, ?>) result.getValue()).get("id"));
        assertTrue(build.log().contains("re-attaching to its run " + ID + " in /backup/db1"), build.log());
        verify(build.run).addAction(any(PgOfflineBackupAction.class));
        verify(context, never()).onFailure(any());
    }

    @Test
    void aRestartFailsClearlyWhenTheAgentIsNotBack() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.engineRanOn("db-backup-1");
        execution.heard(new JobStatus("copy", ID, RUN_DIR, 5, 10));
        TestEngine.offlineAgentInContext(context, "db-backup-1");
        TestEngine.buildInContext(context);
        TestEngine.Logins logins = new TestEngine.Logins();
        execution.useCredentials(logins);

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("from node db-backup-1, which is not connected again"), message);
        // The step acts through sudo: its run belongs to the cluster owner, whom attach must act as too.
        assertTrue(message.contains("pg-offline-backup attach --host db1.example.com --sudo --pgdata"
                + " /var/lib/postgresql/16/main --dest /backup/db1 --id " + ID), message);
        assertEquals(List.of(), logins.asked, "nothing is looked up for a re-attach that cannot happen");
    }

    @Test
    void aRestartIsNotFollowedFromAnotherPlace() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        // Ran outside node, on the controller; the context now is another node's.
        execution.engineRanOn(null);
        execution.heard(new JobStatus("copy", ID, RUN_DIR, 5, 10));
        TestEngine.agentInContext(context, "db-backup-2");
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertTrue(failure.getValue().getMessage().contains("cannot re-attach"), failure.getValue().getMessage());
    }

    @Test
    void theAbortButtonAfterARestartReachesTheReattachedBackup() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.engineRanOn("db-backup-1");
        execution.heard(new JobStatus("copy", ID, RUN_DIR, 5, 10));
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-backup-1");
        CompletableFuture<RemoteJob.Returned<BackupOutcome>> running = new CompletableFuture<>();
        agent.answer(job -> running);
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());
        execution.onResume();
        agent.awaitSent();

        execution.stop(new InterruptedException("aborted by the user"));

        agent.awaitControl(JobControl.Abort.class);
        running.complete(new RemoteJob.Returned<>(BackupOutcome.of(
                BackupOutcomeTest.failure(io.pgofflinebackup.ErrorCode.ABORTED, Boolean.TRUE)), null));
        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(InterruptedException.class, failure.getValue());
    }

    @Test
    void aBadConfigurationFailsBeforeAnythingRuns() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "relative/path", "/backup");
        StepContext context = mock(StepContext.class);
        AbortException e = assertThrows(AbortException.class, () -> step.start(context));
        assertTrue(e.getMessage().startsWith("pgOfflineBackup is not configured correctly: PGDATA must be an absolute path"),
                e.getMessage());
    }

    @Test
    void nothingRunningBlocksNoRestart() {
        assertFalse(execution(mock(StepContext.class)).blocksRestart());
    }

    @Test
    void theResumedSpecReachesTheSameHostTheSameWay() {
        PgOfflineBackupExecution execution = execution(mock(StepContext.class));
        BackupSpec original = BackupSpec.of(BackupSpecTest.fullStep(), UnaryOperator.identity());
        BackupSpec resumed = execution.resumedSpec();

        assertEquals(original.connection(), resumed.connection());
        assertEquals(original.dest(), resumed.dest());
        assertEquals(original.pgdata(), resumed.pgdata());
        assertEquals(original.abortGrace(), resumed.abortGrace());
        assertEquals(HostKeySpec.knownHostsFile(null), execution.resumedHostKey());
    }
}
