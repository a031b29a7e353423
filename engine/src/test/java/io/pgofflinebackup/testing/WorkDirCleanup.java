package io.pgofflinebackup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Deletes the work directories ({@link TestUser#newWorkDir}) a test class made, once the class has
 * passed: a whole run would otherwise leave about 10 GB of clusters and backups under target/it.
 * A class with a failed test keeps them for the post-mortem, and so does a class that left a
 * fixture open (its sshd or cluster may still use them until the JVM's shutdown hook closes it) or
 * whose directories a process still works in (a detached runner, say, that must not lose them).
 *
 * <p>Registered through META-INF/services, so every module whose tests use these fixtures gets it.
 * Test classes of one JVM run one after the other; running two classes at once is done with two
 * JVMs (surefire's forkCount), each with its own list.
 */
public final class WorkDirCleanup implements TestExecutionListener {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final List<Path> CREATED = new ArrayList<>();
    private static int classDepth;
    private static boolean failed;

    /** Called by {@link TestUser} for every work directory it makes. */
    static synchronized void created(Path dir) {
        if (classDepth > 0) {
            CREATED.add(dir);
        }
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (!isClass(test)) {
            return;
        }
        synchronized (WorkDirCleanup.class) {
            if (classDepth++ == 0) {
                CREATED.clear();
                failed = false;
            }
        }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        // A skipped class never started: nothing was made for it.
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        List<Path> toDelete;
        synchronized (WorkDirCleanup.class) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                failed = true;
            }
            if (!isClass(test) || --classDepth > 0) {
                return;
            }
            if (failed || CREATED.isEmpty()) {
                return;
            }
            if (ShutdownCleanup.anyOpen()) {
                System.err.println("Keeping the work directories of " + test.getDisplayName()
                        + ": it left fixtures open");
                return;
            }
            toDelete = new ArrayList<>(CREATED);
            CREATED.clear();
        }
        Optional<String> user = userOf(toDelete);
        if (user.isPresent()) {
            System.err.println("Keeping the work directories of " + test.getDisplayName() + ": a process still"
                    + " works in them: " + user.get());
            return;
        }
        List<String> command = new ArrayList<>(List.of("rm", "-rf", "--one-file-system", "--"));
        toDelete.forEach(dir -> command.add(dir.toString()));
        ProcessResult rm = ProcessRunner.run(command, TIMEOUT);
        if (!rm.succeeded()) {
            System.err.println("Could not delete all work directories of " + test.getDisplayName() + ": "
                    + rm.stderr());
        }
    }

    /**
     * A process whose working directory or command line is in one of the directories (a detached
     * runner or a server a test did not wait for), as "pid command line".
     */
    private static Optional<String> userOf(List<Path> dirs) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                String cmdline = Procs.cmdline(pid);
                String cwd;
                try {
                    cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString();
                } catch (IOException | UnsupportedOperationException gone) {
                    cwd = "";
                }
                for (Path dir : dirs) {
                    String prefix = dir.toString();
                    if (cmdline.contains(prefix) || cwd.equals(prefix) || cwd.startsWith(prefix + "/")) {
                        return Optional.of(pid + " " + cmdline);
                    }
                }
            }
        } catch (IOException e) {
            return Optional.of("cannot list /proc: " + e);
        }
        return Optional.empty();
    }

    private static boolean isClass(TestIdentifier test) {
        return test.isContainer() && test.getSource().filter(ClassSource.class::isInstance).isPresent();
    }
}
