package io.pgofflinebackup.runner;

import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what was appended to a file on the host since the last call, a whole line at a time. The
 * offset lives here, so after a reconnect reading goes on where it stopped. A file that moves
 * (the log, when the partial directory is renamed) is looked for at its second path.
 */
final class RemoteFileFollower {
    private final String[] paths;
    private long offset;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Follows the first of the paths that exists, from byte {@code offset} on. */
    RemoteFileFollower(long offset, List<String> paths) {
        this.offset = offset;
        this.paths = paths.toArray(new String[0]);
    }

    /**
     * follow.sh's arguments for what is new: the bytes already read, then the paths. Its output goes
     * to {@link #accept}.
     */
    List<String> fromArguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add(Long.toString(offset));
        arguments.addAll(List.of(paths));
        return arguments;
    }

    /** The whole lines among what follow.sh printed, a partial last line kept for later. */
    List<String> accept(byte[] data, int from, int to) {
        offset += to - from;
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '\n') {
                lines.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else {
                pending.write(b);
            }
        }
        return lines;
    }

    /** What is new, read with follow.sh (at {@code followScript} on the host) in one exec. */
    List<String> newLines(SshSession ssh, String followScript) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", followScript, "read"));
        command.addAll(fromArguments());
        ExecResult result = ssh.exec(ShellQuote.command(command), null, Duration.ofSeconds(30));
        byte[] data = result.stdoutBytes();
        return accept(data, 0, data.length);
    }
}
