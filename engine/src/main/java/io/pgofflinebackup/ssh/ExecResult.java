package io.pgofflinebackup.ssh;

import java.nio.charset.StandardCharsets;

/** What a remote command left: its exit status and both output streams. */
public record ExecResult(int exitStatus, byte[] stdoutBytes, String stderr) {

    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return exitStatus == 0;
    }

    /** First line of stderr, for short error messages. */
    public String firstErrorLine() {
        String trimmed = stderr.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end);
    }
}
