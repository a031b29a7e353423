package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.Future;
import jenkins.security.MasterToSlaveCallable;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The JVM that runs the engine and so makes the SSH connection: the agent of the {@code node} the
 * step runs in (the controller often cannot reach database hosts), or the controller itself when
 * the step runs outside {@code node}. The engine's classes reach the agent the way all plugin
 * classes do, loaded by remoting from this plugin.
 */
abstract class EngineHost {

    abstract <V> Future<V> submit(MasterToSlaveCallable<V, IOException> task) throws IOException;

    abstract <V> V call(MasterToSlaveCallable<V, IOException> task) throws IOException, InterruptedException;

    /** "on agent db-backup-1", for the build log and the build page. */
    abstract String describe();

    /** The node's name, or null for the controller outside {@code node}. */
    @CheckForNull
    abstract String nodeName();

    /** A file or directory on this machine, e.g. records fetched there, for archiving from. */
    abstract FilePath file(String path);

    /** A launcher for this machine; artifact managers take one, though the standard one does not use it. */
    abstract Launcher launcher(TaskListener listener);

    static EngineHost agent(VirtualChannel channel, @CheckForNull String nodeName, Launcher launcher) {
        return new Agent(channel, nodeName, launcher);
    }

    static EngineHost controller() {
        return new Controller();
    }

    /**
     * Where a Pipeline step's engine runs: on the agent of the enclosing {@code node}, or on the
     * controller outside one.
     *
     * @throws AbortException when the step is inside {@code node} but that agent is not connected
     */
    static EngineHost forStep(StepContext context) throws IOException, InterruptedException {
        FilePath workspace = context.get(FilePath.class);
        if (workspace == null) {
            return controller();
        }
        EnvVars env = context.get(EnvVars.class);
        String node = env == null ? null : env.get("NODE_NAME");
        VirtualChannel channel = workspace.getChannel();
        Launcher launcher = context.get(Launcher.class);
        if (channel == null || launcher == null) {
            throw new AbortException(Messages.PgOfflineBackupBuilder_offline(node));
        }
        return agent(channel, node, launcher);
    }

    /**
     * Where a step resumed after a controller restart follows its run: where its engine ran before,
     * on the same agent, which must be connected again, or on the controller. From elsewhere the
     * engine could use another known_hosts file and other network paths than the step was
     * configured for.
     *
     * @param ranOn the node the engine ran on before, "" for the controller, null if unknown
     * @param gone the step's message for an engine that cannot run there, given that node's name
     * @throws AbortException with that message
     */
    static EngineHost forResumedStep(StepContext context, @CheckForNull String ranOn,
            java.util.function.UnaryOperator<String> gone) throws IOException, InterruptedException {
        String before = ranOn == null ? "" : ranOn;
        EngineHost engine;
        try {
            engine = forStep(context);
        } catch (AbortException e) {
            throw new AbortException(gone.apply(before));
        }
        String now = engine.nodeName() == null ? "" : engine.nodeName();
        if (!before.equals(now)) {
            throw new AbortException(gone.apply(before.isEmpty() ? "(controller)" : before));
        }
        return engine;
    }

    private static final class Agent extends EngineHost {
        private final VirtualChannel channel;
        @CheckForNull
        private final String nodeName;
        private final Launcher launcher;
        private final String description;

        Agent(VirtualChannel channel, @CheckForNull String nodeName, Launcher launcher) {
            this.channel = channel;
            this.nodeName = nodeName == null || nodeName.isEmpty() ? "built-in" : nodeName;
            this.launcher = launcher;
            this.description = this.nodeName.equals("built-in") ? Messages.EngineHost_builtIn()
                    : Messages.EngineHost_agent(nodeName);
        }

        @Override
        <V> Future<V> submit(MasterToSlaveCallable<V, IOException> task) throws IOException {
            return channel.callAsync(task);
        }

        @Override
        <V> V call(MasterToSlaveCallable<V, IOException> task) throws IOException, InterruptedException {
            return channel.call(task);
        }

        @Override
        String describe() {
            return description;
        }

        @Override
        String nodeName() {
            return nodeName;
        }

        @Override
        FilePath file(String path) {
            return new FilePath(channel, path);
        }

        @Override
        Launcher launcher(TaskListener listener) {
            return launcher;
        }
    }

    private static final class Controller extends EngineHost {
        @Override
        <V> Future<V> submit(MasterToSlaveCallable<V, IOException> task) {
            return Threads.POOL.submit(task::call);
        }

        @Override
        <V> V call(MasterToSlaveCallable<V, IOException> task) throws IOException {
            return task.call();
        }

        @Override
        String describe() {
            return Messages.EngineHost_controller();
        }

        @Override
        @CheckForNull
        String nodeName() {
            return null;
        }

        @Override
        FilePath file(String path) {
            return new FilePath(new File(path));
        }

        @Override
        Launcher launcher(TaskListener listener) {
            return new Launcher.LocalLauncher(listener);
        }
    }
}
