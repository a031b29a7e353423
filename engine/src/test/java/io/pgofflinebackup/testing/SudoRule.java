package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A sudoers drop-in in /etc/sudoers.d written by a test, checked with {@code visudo -cf} before it
 * is put in place, and removed by {@link #close()}. Its name has no dot, which sudo would skip.
 */
public final class SudoRule implements AutoCloseable {
    private static final Path DIR = Path.of("/etc/sudoers.d");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path file;

    private SudoRule(Path file) {
        this.file = file;
    }

    public static SudoRule install(String... lines) {
        Path file = DIR.resolve("pgob-test-" + TestUser.randomToken(4));
        Path draft = DIR.resolve(".pgob-draft-" + TestUser.randomToken(4));
        try {
            Files.writeString(draft, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(draft, PosixFilePermissions.fromString("r--r-----"));
            ProcessResult check = ProcessRunner.run(List.of("visudo", "-cf", draft.toString()), TIMEOUT);
            if (!check.succeeded()) {
                throw new IllegalStateException("visudo refuses the rule " + List.of(lines) + ": " + check.stdout()
                        + check.stderr());
            }
            Files.move(draft, file);
            return new SudoRule(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        } finally {
            try {
                Files.deleteIfExists(draft);
            } catch (IOException e) {
                System.err.println("Leaving " + draft + " behind: " + e);
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the sudoers drop-in " + file, e);
        }
    }
}
