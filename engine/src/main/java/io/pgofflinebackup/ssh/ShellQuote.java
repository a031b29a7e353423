package io.pgofflinebackup.ssh;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quoting for the remote POSIX shell. Every value that reaches the host is passed as one
 * single-quoted word, so no character in it (quotes, {@code $()}, backticks, semicolons, spaces)
 * is ever interpreted. Values with NUL cannot be passed at all and are rejected.
 */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a value sent to the host contains a NUL character");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** A command line of individually quoted words. */
    public static String command(List<String> argv) {
        return argv.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }

    public static String command(String... argv) {
        return command(List.of(argv));
    }
}
