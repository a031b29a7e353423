package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import hudson.AbortException;
import io.pgofflinebackup.verify.VerifyJob;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PgOfflineVerifyExecutionTest {

    private static PgOfflineVerifyStep step() {
        PgOfflineVerifyStep step = new PgOfflineVerifyStep("db1.example.com", "db1-ssh", VerifyOutcomeTest.BACKUP);
        step.setPgBin("/usr/lib/postgresql/16/bin");
        step.setPort(2222);
        return step;
    }

    private static PgOfflineVerifyExecution execution(StepContext context, VerifyJob.Result result,
            boolean failOnProblems) throws Exception {
        PgOfflineVerifyStep step = step();
        step.setFailOnProblems(failOnProblems);
        PgOfflineVerifyExecution execution = (PgOfflineVerifyExecution) step.start(context);
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-backup");
        agent.answer(job -> CompletableFuture.completedFuture(
                new RemoteJob.Returned<>(VerifyOutcome.of("db1.example.com", result), null)));
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());
        return execution;
    }

    @Test
    void aValidBackupReturnsItsReport() throws Exception {
        StepContext context = mock(StepContext.class);
        execution(context, VerifyOutcomeTest.valid(), true).start();

        ArgumentCaptor<Object> result = ArgumentCaptor.forClass(Object.class);
        verify(context, timeout(10_000)).onSuccess(result.capture());
        assertEquals("ok", ((Map<?, ?>) result.getValue()).get("status"));
    }

    @Test
    void anInvalidBackupFailsTheBuild() throws Exception {
        StepContext context = mock(StepContext.class);
        execution(context, VerifyOutcomeTest.invalid(), true).start();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        assertTrue(failure.getValue().getMessage().contains("is NOT valid (failed)"), failure.getValue().getMessage());
    }

    @Test
    void withFailOnProblemsFalseTheScriptGetsTheProblems() throws Exception {
        StepContext context = mock(StepContext.class);
        execution(context, VerifyOutcomeTest.invalid(), false).start();

        ArgumentCaptor<Object> result = ArgumentCaptor.forClass(Object.class);
        verify(context, timeout(10_000)).onSuccess(result.capture());
        Map<?, ?> map = (Map<?, ?>) result.getValue();
        assertEquals(Boolean.FALSE, map.get("valid"));
        assertEquals(2, ((List<?>) map.get("problems")).size());
        verify(context, never()).onFailure(any());
    }

    @Test
    void aBackupThatCouldNotBeCheckedFailsEvenWithFailOnProblemsFalse() throws Exception {
        StepContext context = mock(StepContext.class);
        execution(context, VerifyOutcomeTest.unreachable(), false).start();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertTrue(failure.getValue().getMessage().contains("could not be verified"), failure.getValue().getMessage());
    }

    @Test
    void afterARestartTheVerificationStartsOver() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineVerifyExecution execution = execution(context, VerifyOutcomeTest.valid(), true);

        execution.onResume();

        verify(context, timeout(10_000)).onSuccess(any());
    }

    @Test
    void theSavedStateHoldsNamesOnly() {
        Set<Class<?>> allowed = Set.of(String.class, int.class, long.class, boolean.class);
        for (Field field : PgOfflineVerifyExecution.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
                assertTrue(allowed.contains(field.getType()), field.getName() + " would be saved with the Pipeline");
            }
        }
    }

    @Test
    void aRelativeBackupPathIsRefusedAtOnce() {
        PgOfflineVerifyStep step = new PgOfflineVerifyStep("db1", "id", "backup/db1");
        AbortException e = assertThrows(AbortException.class, () -> step.start(mock(StepContext.class)));
        assertTrue(e.getMessage().startsWith("pgOfflineVerify is not configured correctly: Backup must be an absolute"
                + " path"), e.getMessage());
    }
}
