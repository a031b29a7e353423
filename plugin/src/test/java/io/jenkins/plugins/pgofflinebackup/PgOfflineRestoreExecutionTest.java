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
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

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

class PgOfflineRestoreExecutionTest {
    private static final String STAMP = "20261125T031500Z";
    private static final String RUN_DIR = "/var/lib/postgresql/16/.main.restore-" + STAMP + ".run";

    private static PgOfflineRestoreExecution execution(StepContext context) {
        PgOfflineRestoreStep step = RestoreSpecTest.fullStep();
        return new PgOfflineRestoreExecution(context, RestoreSpec.of(step, UnaryOperator.identity()),
                HostKeySpec.of(step.getHostKeyVerification()));
    }

    @Test
    void aWrongConfirmationIsRefusedBeforeAnythingIsContacted() {
        PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1.example.com", "db1-ssh", "/backup/db1/x",
                RestoreSpecTest.PGDATA, RestoreSpecTest.PGDATA + "/");
        StepContext context = mock(StepContext.class);

        AbortException e = assertThrows(AbortException.class, () -> step.start(context));

        assertTrue(e.getMessage().startsWith("pgOfflineRestore is not configured correctly, nothing was done: The"
                + " confirmation \"" + RestoreSpecTest.PGDATA + "/\" does not repeat PGDATA"), e.getMessage());
        // Not even the build was asked for: no credentials, no agent, no host.
        verifyNoInteractions(context);
    }

    @Test
    void theSavedStateHoldsNamesOnly() {
        Set<Class<?>> allowed = Set.of(String.class, int.class, long.class, boolean.class);
        for (Field field : PgOfflineRestoreExecution.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                continue;
            }
            assertTrue(allowed.contains(field.getType()), field.getName() + " would be saved with the Pipeline");
        }
    }

    @Test
    void aRestoreOnTheAgentReturnsItsMapAndIsRecordedOnTheBuild() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        agent.answer(job -> CompletableFuture.completedFuture(
                new RemoteJob.Returned<>(RestoreOutcome.of(RestoreOutcomeTest.success()), null)));
        TestEngine.Build build = TestEngine.buildInContext(context);
        TestEngine.Logins logins = new TestEngine.Logins();
        execution.useCredentials(logins);

        execution.start();

        ArgumentCaptor<Object> result = ArgumentCaptor.forClass(Object.class);
        verify(context, timeout(10_000)).onSuccess(result.capture());
        assertInstanceOf(RemoteRestore.class, agent.sent());
        Map<?, ?> map = (Map<?, ?>) result.getValue();
        assertEquals(RestoreOutcomeTest.ASIDE, map.get("movedAsideTo"));
        assertEquals(Boolean.FALSE, map.get("rolledBack"));
        assertEquals(List.of("db1-ssh@db1.example.com:2222"), logins.asked);
        verify(build.run).addAction(any(PgOfflineRestoreAction.class));
        assertTrue(build.log().contains("pgOfflineRestore: restoring /backup/db1/20261125T020003Z into db1.example.com:"
                + RestoreSpecTest.PGDATA), build.log());
        assertTrue(build.log().contains("Restore on db1 complete"), build.log());
        verify(context, never()).onFailure(any());
    }

    @Test
    void aRolledBackRestoreFailsTheStepSayingSo() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        agent.answer(job -> CompletableFuture.completedFuture(
                new RemoteJob.Returned<>(RestoreOutcome.of(RestoreOutcomeTest.rolledBack()), null)));
        TestEngine.Build build = TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());

        execution.start();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        assertTrue(failure.getValue().getMessage().contains("Rolled back"), failure.getValue().getMessage());
        verify(build.run).addAction(any(PgOfflineRestoreAction.class));
    }

    @Test
    void theAbortButtonReachesTheRestore() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        CompletableFuture<RemoteJob.Returned<RestoreOutcome>> running = new CompletableFuture<>();
        agent.answer(job -> running);
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());
        execution.start();
        agent.awaitSent();
        assertTrue(execution.blocksRestart());

        execution.stop(new InterruptedException("aborted by the user"));

        agent.awaitControl(JobControl.Abort.class);
        running.complete(new RemoteJob.Returned<>(RestoreOutcome.of(RestoreOutcomeTest.rolledBack()), null));
        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(InterruptedException.class, failure.getValue());
    }

    @Test
    void aRestartFailsTheStepSayingWhereTheRestoresLogIs() {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.heard(new JobStatus("verify", null, null, 0, 0));
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        verify(context).saveState();
        assertEquals(STAMP, execution.runId());

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context).onFailure(failure.capture());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("restore run " + STAMP), message);
        assertTrue(message.contains(RUN_DIR + "/restore.log"), message);
        assertTrue(message.contains(RestoreSpecTest.PGDATA + ".pre-restore-" + STAMP), message);
        assertTrue(message.contains("rolls back to the original data directory"), message);
    }

    @Test
    void aRestartBeforeTheRunnerSaysWhatToLookFor() {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context).onFailure(failure.capture());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("before its runner had reported"), message);
        assertTrue(message.contains("look for a directory .main.restore-*.run beside " + RestoreSpecTest.PGDATA), message);
        assertFalse(execution.blocksRestart());
    }
}
