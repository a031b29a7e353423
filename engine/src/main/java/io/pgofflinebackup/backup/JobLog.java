package io.pgofflinebackup.backup;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The log of what this side did before the runner took over. Lines go to the listener at once
 * and are kept, so that backup.log on the host tells the whole story, pre-flight included.
 */
final class JobLog {
    private final ProgressListener listener;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder();
    private final List<String> warnings = new ArrayList<>();

    JobLog(ProgressListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    void phase(String phase, String message) {
        append(message);
        listener.phase(phase, message);
    }

    void info(String message) {
        append(message);
        listener.info(message);
    }

    void warn(String message) {
        append("WARNING: " + message);
        warnings.add(message);
        listener.warn(message);
    }

    void copyProgress(long bytesDone, long bytesTotal) {
        listener.copyProgress(bytesDone, bytesTotal);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    String text() {
        return text.toString();
    }

    private void append(String message) {
        text.append(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS)).append(' ').append(message).append('\n');
    }
}
