package io.pgofflinebackup.testing;

import java.util.List;

/**
 * Outcome of a finished command run by {@link ProcessRunner}.
 *
 * <p>The command is kept as a fourth component so that {@link #orThrow()} can say what failed;
 * the three-argument constructor exists for callers that build results by hand.
 */
public record ProcessResult(int exitCode, String stdout, String stderr, List<String> command) {

    public ProcessResult {
        command = command == null ? List.of() : List.copyOf(command);
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public ProcessResult(int exitCode, String stdout, String stderr) {
        this(exitCode, stdout, stderr, List.of());
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result if the exit code is 0, otherwise throws with everything needed to diagnose it. */
    public ProcessResult orThrow() {
        if (exitCode != 0) {
            throw new IllegalStateException("Command failed with exit code " + exitCode + ": " + command
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr);
        }
        return this;
    }
}
