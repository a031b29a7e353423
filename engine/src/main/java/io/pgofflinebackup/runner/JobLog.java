package io.pgofflinebackup.runner;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.RunnerInfo;

/**
 * The log of a job on this side. Lines go to the listener at once and are kept, so that the log
 * on the host tells the whole story, pre-flight included; warnings are kept for the result. It is
 * itself the listener the runner's monitor reports to.
 */
public final class JobLog implements ProgressListener {
    private final ProgressListener listener;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder();
    private final List<String> warnings = new ArrayList<>();

    public JobLog(ProgressListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public synchronized void phase(String phase, String message) {
        append(message);
        listener.phase(phase, message);
    }

    @Override
    public synchronized void info(String message) {
        append(message);
        listener.info(message);
    }

    @Override
    public synchronized void warn(String message) {
        append("WARNING: " + message);
        warnings.add(message);
        listener.warn(message);
    }

    @Override
    public void copyProgress(long bytesDone, long bytesTotal) {
        listener.copyProgress(bytesDone, bytesTotal);
    }

    @Override
    public void runnerStarted(RunnerInfo info) {
        listener.runnerStarted(info);
    }

    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public synchronized String text() {
        return text.toString();
    }

    private void append(String message) {
        text.append(line(clock, message));
    }

    /**
     * A line of a log as the host's backup.log holds it: the UTC time to the second, the message,
     * a line break. For lines written to that log beside this one (PulledCopyChecks).
     */
    public static String line(Clock clock, String message) {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + " " + message + "\n";
    }
}
