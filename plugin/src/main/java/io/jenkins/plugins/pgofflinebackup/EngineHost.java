package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import java.util.concurrent.Future;
import jenkins.security.MasterToSlaveCallable;

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

    static EngineHost agent(VirtualChannel channel, @CheckForNull String nodeName) {
        return new Agent(channel, nodeName);
    }

    static EngineHost controller() {
        return new Controller();
    }

    private static final class Agent extends EngineHost {
        private final VirtualChannel channel;
        private final String description;

        Agent(VirtualChannel channel, @CheckForNull String nodeName) {
            this.channel = channel;
            this.description = nodeName == null || nodeName.isEmpty() || nodeName.equals("built-in")
                    ? Messages.EngineHost_builtIn() : Messages.EngineHost_agent(nodeName);
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
    }
}
