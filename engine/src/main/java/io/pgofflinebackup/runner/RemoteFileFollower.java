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
import java.util.Locale;

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
     * The shell command that prints what is new: its output goes to {@link #accept}. It can be
     * part of a larger command (RunnerMonitor reads several files with one exec).
     */
    String readCommand() {
        StringBuilder command = new StringBuilder("{ ");
        for (String path : paths) {
            command.append("tail -c +").append(offset + 1).append(' ').append(ShellQuote.quote(path))
                    .append(" 2>/dev/null || ");
        }
        return command.append("true; }").toString();
    }

    /**
     * A shell command that returns once the (first) file has grown past what was read, or after
     * {@code waitMillis}: put before {@link #readCommand}, the read then waits on the host for news
     * instead of this side sleeping and asking again. GNU tail's follow mode waits on the kernel's
     * file events (inotify; where there are none, it looks every 50 ms) and ends with the pipe once
     * head has its first new byte, so a wait costs the host three processes however long it lasts,
     * where checking every 50 ms cost a {@code wc} and a {@code sleep} each time. Without the file
     * or without timeout(1) it sleeps the whole time: returning at once would make the caller ask
     * again straight away, an exec after an exec. It is lib.sh's wait_growth, written out: sourcing
     * lib.sh on every poll would cost the host about 3 ms and a few processes each time.
     */
    String awaitGrowthCommand(long waitMillis) {
        if (waitMillis <= 0) {
            return "true";
        }
        String path = ShellQuote.quote(paths[0]);
        String seconds = String.format(Locale.ROOT, "%d.%03d", waitMillis / 1000, waitMillis % 1000);
        return "if [ -e " + path + " ] && command -v timeout >/dev/null 2>&1; then timeout " + seconds
                + " tail -c +" + (offset + 1) + " -s 0.05 -f -- " + path + " 2>/dev/null | head -c 1 >/dev/null;"
                + " else sleep " + seconds + "; fi";
    }

    /** The whole lines among what {@link #readCommand} printed, a partial last line kept for later. */
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

    List<String> newLines(SshSession ssh) throws IOException {
        ExecResult result = ssh.exec(readCommand(), null, Duration.ofSeconds(30));
        byte[] data = result.stdoutBytes();
        return accept(data, 0, data.length);
    }
}
