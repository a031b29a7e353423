package io.pgofflinebackup.testing;

import io.pgofflinebackup.ssh.ShellQuote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A command put in front of a real one on the PATH: it runs a piece of shell, then the real command
 * with the same arguments. The tests use it to make something happen at the very moment a script
 * calls that command (the end of a copy while a worker reads a size), which no sleep could time.
 */
public final class ToolInFront {
    private ToolInFront() {
    }

    /**
     * Writes {@code bin/tool}, which runs {@code shell} (with the caller's environment) and then the
     * {@code tool} this process's PATH finds, and returns the PATH to give the script: {@code bin}
     * first.
     */
    public static String path(Path bin, String tool, String shell) {
        try {
            Files.createDirectories(bin);
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\n" + shell + "\nexec " + real(tool) + " \"$@\"\n",
                    StandardCharsets.UTF_8);
            if (!script.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + script + " executable");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin + ":" + System.getenv("PATH");
    }

    /**
     * {@link #path} with the piece of shell that makes a file and announces it the way the remote
     * scripts do: the first time {@code tool} runs while {@code trigger} exists, it removes
     * {@code trigger}, makes {@code made} and then adds a line to {@code signal}.
     */
    public static String announcingOnce(Path bin, String tool, Path trigger, Path made, Path signal) {
        String once = ShellQuote.quote(trigger.toString());
        return path(bin, tool, "if [ -e " + once + " ]; then\n    rm -f -- " + once + "\n    : > "
                + ShellQuote.quote(made.toString()) + "\n    echo >> " + ShellQuote.quote(signal.toString()) + "\nfi");
    }

    private static String real(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH")).toString();
    }
}
