package io.pgofflinebackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.Procs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the command line and what it printed: in this JVM through {@link Main#execute}, or in a
 * JVM of its own (the shaded jar, or this test class path) for what only a separate process can show.
 */
record CliRun(List<String> args, int exitCode, String stdout, String stderr) {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Generous: a backup of the small test clusters takes seconds. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** Runs the CLI in this JVM with System.out and System.err captured. */
    static synchronized CliRun inProcess(List<String> args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            exitCode = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new CliRun(args, exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The java launcher of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The shaded jar that {@code package} builds; the ITs get its path from failsafe. */
    static Path shadedJar() {
        String configured = System.getProperty("pgob.cli.jar");
        Path jar = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.dir"), "target", "pg-offline-backup.jar");
        assertThat(jar).as("the shaded jar (built by package)").isRegularFile();
        return jar;
    }

    /** {@code java -jar pg-offline-backup.jar ARGS}. */
    static List<String> jarCommand(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", shadedJar().toString()));
        command.addAll(args);
        return command;
    }

    /** {@code java -cp <this test class path> io.pgofflinebackup.cli.Main ARGS}. */
    static List<String> classPathCommand(List<String> args) {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        return command;
    }

    /** Runs a command to its end (killed with its descendants after {@link #TIMEOUT}). */
    static CliRun spawn(List<String> command, Map<String, String> environment, List<String> args) {
        Spawned spawned = Spawned.start(command, environment);
        try {
            if (!spawned.process().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the CLI did not end within " + TIMEOUT + ": " + command
                        + "\n" + spawned.output());
            }
            return spawned.result(args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            spawned.kill();
            spawned.deleteFiles();
        }
    }

    /** The single JSON object on stdout; fails if stdout holds anything else. */
    JsonNode json() {
        try {
            JsonNode node = MAPPER.readTree(stdout);
            assertThat(node).as("JSON on stdout of %s", this).isNotNull();
            assertThat(node.isObject()).as("one JSON object on stdout of %s", this).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON object: " + this, e);
        }
    }

    @Override
    public String toString() {
        return "CLI " + args + " exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }

    /** A CLI process started in the background, its output going to files (never a pipe it could block on). */
    record Spawned(Process process, Path stdoutFile, Path stderrFile) {

        static Spawned start(List<String> command, Map<String, String> environment) {
            try {
                Path out = Files.createTempFile("pgob-cli-", ".out");
                Path err = Files.createTempFile("pgob-cli-", ".err");
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                builder.environment().putAll(environment);
                return new Spawned(builder.start(), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
        }

        String stdout() {
            return read(stdoutFile);
        }

        String stderr() {
            return read(stderrFile);
        }

        String output() {
            return "--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
        }

        CliRun result(List<String> args) {
            return new CliRun(args, process.exitValue(), stdout(), stderr());
        }

        /** SIGKILLs the process and anything it started, and waits for them to be gone. */
        void kill() {
            Procs.killTree(process.toHandle());
        }

        void deleteFiles() {
            try {
                Files.deleteIfExists(stdoutFile);
                Files.deleteIfExists(stderrFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }
    }
}
