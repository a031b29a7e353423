package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import hudson.AbortException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.UnaryOperator;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PgOfflineBackupExecutionTest {

    private static PgOfflineBackupExecution execution(StepContext context) {
        PgOfflineBackupStep step = BackupSpecTest.fullStep();
        return new PgOfflineBackupExecution(context, step, BackupSpec.of(step, UnaryOperator.identity()));
    }

    @Test
    void afterARestartTheStepFailsNamingTheRunAndTheHost() {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.heard(new BackupStatus("copy", "20261125T020003Z", 10, 100));

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("db1.example.com:/var/lib/postgresql/16/main (backup id 20261125T020003Z)"), message);
        assertTrue(message.contains("the runner on db1.example.com finishes it"), message);
        assertTrue(message.contains("pg-offline-backup plan"), message);
        assertTrue(message.contains("/backup/db1/20261125T020003Z"), message);
        assertTrue(message.contains("/backup/db1/.20261125T020003Z.partial"), message);
    }

    @Test
    void theBackupIdIsSavedAsSoonAsItIsKnown() {
        StepContext context = mock(StepContext.class);
        PgOfflineBackupExecution execution = execution(context);
        execution.heard(new BackupStatus("inspect", null, 0, 0));
        execution.heard(new BackupStatus("stop", "20261125T020003Z", 0, 0));
        execution.heard(new BackupStatus("copy", "20261125T020003Z", 5, 10));

        verify(context, times(1)).saveState();
        assertEquals("20261125T020003Z", execution.backupId());
        assertEquals("copy 50% on db1.example.com:/var/lib/postgresql/16/main (backup id 20261125T020003Z)",
                execution.getStatus());
    }

    @Test
    void theSavedStateHoldsNamesOnly() {
        for (Field field : PgOfflineBackupExecution.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                continue;
            }
            assertEquals(String.class, field.getType(), field.getName() + " would be saved with the Pipeline");
        }
    }

    @Test
    void aBadConfigurationFailsBeforeAnythingRuns() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "relative/path", "/backup");
        AbortException e = assertThrows(AbortException.class, () -> step.start(mock(StepContext.class)));
        assertTrue(e.getMessage().startsWith("pgOfflineBackup is not configured correctly: PGDATA must be an absolute path"),
                e.getMessage());
    }

    @Test
    void nothingRunningBlocksNoRestart() {
        assertFalse(execution(mock(StepContext.class)).blocksRestart());
    }
}
