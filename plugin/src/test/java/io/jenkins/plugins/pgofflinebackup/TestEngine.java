package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What a step execution finds in its context, mocked: a build with a log, an agent whose channel
 * records what is sent to the engine and answers as a test says, and credentials that need no
 * store. Works against the stand-in and against real Jenkins alike.
 */
final class TestEngine {
    private TestEngine() {
    }

    /** An agent's channel: jobs sent to the engine, and control calls (status, abort). */
    static final class Agent {
        final VirtualChannel channel = mock(VirtualChannel.class);
        private final BlockingQueue<Object> sent = new LinkedBlockingQueue<>();
        private final List<Object> sentSoFar = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Object> controls = new LinkedBlockingQueue<>();
        // What a status call answers: null, as an engine that has not announced a run yet.
        private volatile JobStatus status;

        /** From now on the job reports this status, as a running engine does. */
        void reportStatus(JobStatus value) {
            status = value;
        }

        void answer(Function<Object, Future<?>> reply) throws Exception {
            doAnswer(invocation -> {
                Object job = invocation.getArgument(0);
                sentSoFar.add(job);
                sent.add(job);
                return reply.apply(job);
            }).when(channel).callAsync(any());
            doAnswer(invocation -> {
                Object control = invocation.getArgument(0);
                controls.add(control);
                return control instanceof JobControl.Abort ? Boolean.TRUE
                        : control instanceof JobControl.Status ? status : null;
            }).when(channel).call(any());
        }

        /** The job sent to the engine (waits for it). */
        Object sent() throws InterruptedException {
            if (!sentSoFar.isEmpty()) {
                return sentSoFar.get(0);
            }
            return awaitSent();
        }

        Object awaitSent() throws InterruptedException {
            Object job = sent.poll(10, TimeUnit.SECONDS);
            assertNotNull(job, "nothing was sent to the engine");
            return job;
        }

        void awaitControl(Class<?> type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Object control = controls.poll(100, TimeUnit.MILLISECONDS);
                if (type.isInstance(control)) {
                    return;
                }
            }
            fail("no " + type.getSimpleName() + " reached the engine");
        }
    }

    /** The step runs inside node: its context has that agent's workspace, launcher and NODE_NAME. */
    static Agent agentInContext(StepContext context, String node) throws Exception {
        Agent agent = new Agent();
        agent.answer(job -> new java.util.concurrent.CompletableFuture<>());
        FilePath workspace = mock(FilePath.class);
        when(workspace.getChannel()).thenReturn(agent.channel);
        nodeInContext(context, node, workspace);
        return agent;
    }

    /** The step runs inside node, but the agent is not connected. */
    static void offlineAgentInContext(StepContext context, String node) throws Exception {
        FilePath workspace = mock(FilePath.class);
        when(workspace.getChannel()).thenReturn(null);
        nodeInContext(context, node, workspace);
    }

    private static void nodeInContext(StepContext context, String node, FilePath workspace) throws Exception {
        EnvVars env = mock(EnvVars.class);
        when(env.get("NODE_NAME")).thenReturn(node);
        doReturn(workspace).when(context).get(FilePath.class);
        doReturn(env).when(context).get(EnvVars.class);
        doReturn(mock(Launcher.class)).when(context).get(Launcher.class);
    }

    /** The build and its log. */
    static final class Build {
        final Run<?, ?> run = mock(Run.class);
        final TaskListener listener = mock(TaskListener.class);
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Build() {
            when(listener.getLogger()).thenReturn(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }

        String log() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static Build buildInContext(StepContext context) throws Exception {
        Build build = new Build();
        doReturn(build.run).when(context).get(Run.class);
        doReturn(build.listener).when(context).get(TaskListener.class);
        return build;
    }

    /** Credentials without a store: an SSH key for every id, and a note of what was asked. */
    static final class Logins implements CredentialsLookup.Resolver {
        final List<String> asked = new CopyOnWriteArrayList<>();
        private volatile Run<?, ?> lastRun;

        @Override
        public SshLogin resolve(Run<?, ?> run, String credentialsId, String host, int port) {
            asked.add(credentialsId + "@" + host + ":" + port);
            lastRun = run;
            SSHUserPrivateKey key = mock(SSHUserPrivateKey.class);
            when(key.getUsername()).thenReturn("postgres");
            when(key.getPrivateKeys()).thenReturn(List.of("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"
                    + "-----END OPENSSH PRIVATE KEY-----\n"));
            return SshLogin.from(credentialsId, key);
        }

        boolean sameRun(Run<?, ?> run) {
            return lastRun == run;
        }
    }
}
