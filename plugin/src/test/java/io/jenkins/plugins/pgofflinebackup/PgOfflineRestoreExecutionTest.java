package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.withSettings;

import hudson.AbortException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /** The execution as a controller restart leaves it: its saved state only, read back. */
    private static PgOfflineRestoreExecution restarted(PgOfflineRestoreExecution execution) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(execution);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (PgOfflineRestoreExecution) in.readObject();
        }
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
    void theSavedStateHoldsNamesAndSettingsOnly() {
        Set<Class<?>> allowed = Set.of(String.class, int.class, long.class, boolean.class);
        Set<String> saved = new HashSet<>();
        for (Field field : PgOfflineRestoreExecution.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                continue;
            }
            assertTrue(allowed.contains(field.getType()), field.getName() + " (" + field.getType()
                    + ") would be saved with the Pipeline");
            saved.add(field.getName());
        }
        // What a re-attach after a restart needs: where, how, as whom, from where, and which run.
        assertTrue(saved.containsAll(Set.of("host", "port", "credentialsId", "pgdata", "sudo", "hostKeyKind",
                "knownHostsFile", "fingerprint", "engineNode", "restoredFrom", "runId")), saved.toString());
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

        abortReachesTheRestore(context, execution, agent, running);
    }

    /**
     * The Abort button: the abort reaches the engine; once the restore there has rolled back, the
     * step fails with the button's cause.
     */
    private static void abortReachesTheRestore(StepContext context, PgOfflineRestoreExecution execution,
            TestEngine.Agent agent, CompletableFuture<RemoteJob.Returned<RestoreOutcome>> running) throws Exception {
        execution.stop(new InterruptedException("aborted by the user"));

        agent.awaitControl(JobControl.Abort.class);
        running.complete(new RemoteJob.Returned<>(RestoreOutcome.of(RestoreOutcomeTest.rolledBack()), null));
        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(InterruptedException.class, failure.getValue());
    }

    @Test
    void losingTheAgentMidRestoreSaysHowToFollowTheRunByHand() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        CompletableFuture<RemoteJob.Returned<RestoreOutcome>> running = new CompletableFuture<>();
        agent.answer(job -> running);
        agent.reportStatus(new JobStatus("copy", STAMP, RUN_DIR, 5, 10));
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());
        execution.start();
        agent.awaitSent();
        // Until the run is known the step asks every second (later every 5 s): a restart in between loses it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (execution.runId() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(STAMP, execution.runId(), "the run id, heard within 4 s of the engine announcing it");

        running.completeExceptionally(new java.io.IOException("channel to db-restore closed"));

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        String message = failure.getValue().getMessage();
        assertTrue(message.startsWith("Lost the connection to the restore on db1.example.com"), message);
        assertTrue(message.contains("channel to db-restore closed"), message);
        assertTrue(message.contains("\"pg-offline-backup attach --host db1.example.com --sudo --restore --pgdata "
                + RestoreSpecTest.PGDATA + " --id " + STAMP + "\" follows it to its end, and " + RUN_DIR
                + "/restore.log says how it ended"), message);
    }

    @Test
    void theRunIsSavedAsSoonAsTheRunnerHasStarted() {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.heard(new JobStatus("verify", null, null, 0, 0));
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 5, 10));
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 6, 10));

        verify(context, times(1)).saveState();
        assertEquals(STAMP, execution.runId());
        assertTrue(execution.getStatus().endsWith("(restore run " + STAMP + ")"), execution.getStatus());
    }

    @Test
    void aRestartReattachesFromTheSameAgentWithCredentialsLookedUpAgain() throws Exception {
        StepContext context = mock(StepContext.class, withSettings().serializable());
        PgOfflineRestoreExecution running = execution(context);
        TestEngine.Agent before = TestEngine.agentInContext(context, "db-restore");
        CompletableFuture<RemoteJob.Returned<RestoreOutcome>> cut = new CompletableFuture<>();
        before.answer(job -> cut);
        TestEngine.buildInContext(context);
        running.useCredentials(new TestEngine.Logins());
        running.start();
        before.awaitSent();
        running.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        verify(context).saveState();
        // After the restart only the saved state is left: the build, its log and the agent are found anew,
        // and the node block gives the same agent back.
        reset(context);
        PgOfflineRestoreExecution execution = restarted(running);
        StepContext resumed = execution.getContext();
        TestEngine.Agent agent = TestEngine.agentInContext(resumed, "db-restore");
        agent.answer(job -> CompletableFuture.completedFuture(new RemoteJob.Returned<>(
                RestoreOutcome.of(RestoreOutcomeTest.success()).withRestoredFrom("/what/the/engine/says"), null)));
        TestEngine.Build build = TestEngine.buildInContext(resumed);
        TestEngine.Logins logins = new TestEngine.Logins();
        execution.useCredentials(logins);

        execution.onResume();

        ArgumentCaptor<Object> result = ArgumentCaptor.forClass(Object.class);
        verify(resumed, timeout(10_000)).onSuccess(result.capture());
        RemoteRestore sent = (RemoteRestore) agent.sent();
        assertEquals(STAMP, sent.reattachTo());
        // A run started through sudo is the cluster owner's: the re-attach acts as the owner of the same PGDATA.
        assertTrue(sent.spec().service().sudo());
        assertEquals(RestoreSpecTest.PGDATA, sent.spec().pgdata());
        assertEquals("db1.example.com", sent.spec().host());
        assertEquals(List.of("db1-ssh@db1.example.com:2222"), logins.asked);
        assertTrue(logins.sameRun(build.run));
        Map<?, ?> map = (Map<?, ?>) result.getValue();
        // What the step resolved before the restart, not the engine's word for it.
        assertEquals("/backup/db1/20261125T020003Z", map.get("restoredFrom"));
        assertEquals(RestoreOutcomeTest.ASIDE, map.get("movedAsideTo"));
        assertTrue(build.log().contains("Jenkins restarted during the restore into db1.example.com:"
                + RestoreSpecTest.PGDATA + "; re-attaching to its restore run " + STAMP), build.log());
        assertTrue(build.log().contains("Restore on db1 complete"), build.log());
        ArgumentCaptor<PgOfflineRestoreAction> action = ArgumentCaptor.forClass(PgOfflineRestoreAction.class);
        verify(build.run).addAction(action.capture());
        assertEquals("/backup/db1/20261125T020003Z", action.getValue().getRestoredFrom());
        assertTrue(action.getValue().isOk());
        verify(resumed, never()).onFailure(any());
        // The thread of the run before the restart, which a real restart ends with its JVM.
        cut.cancel(true);
    }

    @Test
    void aFailedReattachedRestoreFailsTheStepSayingSo() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.engineRanOn("db-restore");
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        agent.answer(job -> CompletableFuture.completedFuture(
                new RemoteJob.Returned<>(RestoreOutcome.of(RestoreOutcomeTest.rolledBack()), null)));
        TestEngine.Build build = TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        assertTrue(failure.getValue().getMessage().contains("Rolled back"), failure.getValue().getMessage());
        verify(build.run).addAction(any(PgOfflineRestoreAction.class));
        verify(context, never()).onSuccess(any());
    }

    @Test
    void aRestartFailsClearlyWhenTheAgentIsNotBack() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.engineRanOn("db-restore");
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        TestEngine.offlineAgentInContext(context, "db-restore");
        TestEngine.buildInContext(context);
        TestEngine.Logins logins = new TestEngine.Logins();
        execution.useCredentials(logins);

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("(restore run " + STAMP + ") from node db-restore, which is not connected again"),
                message);
        // The step acts through sudo: its run belongs to the cluster owner, whom attach must act as too.
        assertTrue(message.contains("pg-offline-backup attach --host db1.example.com --sudo --restore --pgdata "
                + RestoreSpecTest.PGDATA + " --id " + STAMP), message);
        assertTrue(message.contains(RUN_DIR + "/restore.log"), message);
        assertTrue(message.contains(RestoreSpecTest.PGDATA + ".pre-restore-" + STAMP), message);
        assertEquals(List.of(), logins.asked, "nothing is looked up for a re-attach that cannot happen");
    }

    @Test
    void aRestartIsNotFollowedFromAnotherPlace() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        // Ran outside node, on the controller; the context now is another node's.
        execution.engineRanOn(null);
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore-2");
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context, timeout(10_000)).onFailure(failure.capture());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("from node (controller)"), message);
        assertTrue(message.contains("cannot re-attach"), message);
        verify(agent.channel, never()).callAsync(any());
    }

    @Test
    void theAbortButtonAfterARestartReachesTheReattachedRestore() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.engineRanOn("db-restore");
        execution.heard(new JobStatus("copy", STAMP, RUN_DIR, 10, 100));
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");
        CompletableFuture<RemoteJob.Returned<RestoreOutcome>> running = new CompletableFuture<>();
        agent.answer(job -> running);
        TestEngine.buildInContext(context);
        execution.useCredentials(new TestEngine.Logins());
        execution.onResume();
        assertEquals(STAMP, ((RemoteRestore) agent.awaitSent()).reattachTo());
        // It waits for a safe restart again, as the restore before the restart did.
        assertTrue(execution.blocksRestart());

        abortReachesTheRestore(context, execution, agent, running);
    }

    /**
     * On the agent the re-attach is the engine's: it looks for the run by its id, and starts no restore.
     * A malformed id is refused before anything is contacted (127.0.0.1, where nothing listens on port 1).
     */
    @Test
    void theReattachJobLooksForTheRunByItsId() throws Exception {
        RestoreSpec spec = new RestoreSpec(new Connection("127.0.0.1", 1, "db1-ssh", Duration.ofSeconds(5), null),
                new ServiceSpec(null, null, null, null, null, null, null, null, null, null, null, null, false),
                "/backup/db1/x", null, RestoreSpecTest.PGDATA, RestoreSpecTest.PGDATA, null, null, null);
        RemoteJob.Login login = new RemoteJob.Login("postgres",
                new SshCredentials.Password("x".getBytes(StandardCharsets.UTF_8)), new HostKeyPolicy.InsecureAcceptAny());

        RestoreOutcome notAnId = RemoteRestore.reattach("k1", spec, "latest", null, HostKeySpec.notVerified(), null)
                .run(login, ProgressListener.NONE, new ActiveJobs.Entry());

        assertEquals("BAD_INPUT", notAnId.errorCode());
        assertTrue(notAnId.errorMessage().startsWith("not a restore run id: 'latest'"), notAnId.errorMessage());
        assertEquals(2, notAnId.exitCode());
    }

    @Test
    void aRestartBeforeTheRunnerSaysWhatToLookFor() throws Exception {
        StepContext context = mock(StepContext.class);
        PgOfflineRestoreExecution execution = execution(context);
        execution.engineRanOn("db-restore");
        execution.heard(new JobStatus("verify", null, null, 0, 0));
        TestEngine.Agent agent = TestEngine.agentInContext(context, "db-restore");

        execution.onResume();

        ArgumentCaptor<Throwable> failure = ArgumentCaptor.forClass(Throwable.class);
        verify(context).onFailure(failure.capture());
        assertInstanceOf(AbortException.class, failure.getValue());
        verify(agent.channel, never()).callAsync(any());
        String message = failure.getValue().getMessage();
        assertTrue(message.contains("before its runner had reported"), message);
        assertTrue(message.contains("look for a directory .main.restore-ID.run beside " + RestoreSpecTest.PGDATA), message);
        assertTrue(message.contains("pg-offline-backup attach --host db1.example.com --sudo --restore --pgdata "
                + RestoreSpecTest.PGDATA + " --id ID"), message);
        assertFalse(execution.blocksRestart());
    }
}
