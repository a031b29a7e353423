package io.pgofflinebackup.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a hard time-out.
 *
 * <p>Output goes to temporary files rather than pipes: a command that leaves a daemon behind
 * (pg_ctl, sshd) would otherwise keep the pipe open and make the reader hang after the command
 * itself has exited.
 */
public final class ProcessRunner {

    private static final File DEV_NULL = new File("/dev/null");

    private ProcessRunner() {
    }

    public static ProcessResult run(List<String> command, Duration timeout) {
        return run(command, Map.of(), null, null, timeout);
    }

    /**
     * @param environment variables added to (or overriding) the JVM's environment
     * @param stdin       text fed to the command's standard input, or {@code null} for /dev/null
     */
    public static ProcessResult run(List<String> command, Map<String, String> environment, String stdin,
                                    Duration timeout) {
        return run(command, environment, stdin, null, timeout);
    }

    static ProcessResult run(List<String> command, Map<String, String> environment, String stdin,
                             Path workingDirectory, Duration timeout) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("pgob-run-", ".out");
            err = Files.createTempFile("pgob-run-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin == null) {
                builder.redirectInput(DEV_NULL);
            } else {
                // A file instead of a pipe: writing to a pipe the command never reads could block us past the time-out.
                in = Files.createTempFile("pgob-run-", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                builder.redirectInput(in.toFile());
            }
            if (environment != null) {
                builder.environment().putAll(environment);
            }
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            Process process = builder.start();
            boolean finished = awaitOrKill(process, timeout, command);
            if (!finished) {
                throw new IllegalStateException("Command timed out after " + timeout + " and was killed: " + command
                        + "\n--- stdout so far ---\n" + read(out) + "\n--- stderr so far ---\n" + read(err));
            }
            return new ProcessResult(process.exitValue(), read(out), read(err), command);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /** Waits for the process; on time-out or interrupt kills it with all its descendants. */
    private static boolean awaitOrKill(Process process, Duration timeout, List<String> command) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            Procs.killTree(process.toHandle());
            return false;
        } catch (InterruptedException e) {
            Procs.killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Only a leftover temp file; the command's result matters more than this clean-up.
            System.err.println("Could not delete temporary file " + file + ": " + e);
        }
    }
}
