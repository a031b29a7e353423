package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.util.Bytes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Writes the engine's progress into the build log: one line per phase, message and warning, each
 * with the host (parallel backups share a log) and a UTC timestamp like backup.log's. Copy progress
 * is reported when another 5 % is done or 10 s have passed since the last report, whichever comes
 * first, so a long copy shows it is alive without flooding the log.
 */
final class BuildLogProgress implements ProgressListener {
    static final int PERCENT_STEP = 5;
    static final long INTERVAL_MILLIS = 10_000;

    private final PrintStream out;
    private final String prefix;
    @CheckForNull
    private final String secretUsername;
    private final Clock clock;

    private long copyStartMillis = -1;
    private long lastReportMillis = -1;
    private int lastReportPercent = -1;
    private long lastReportBytes = -1;

    BuildLogProgress(PrintStream out, String host, @CheckForNull String secretUsername, Clock clock) {
        this(out, "pgOfflineBackup", host, secretUsername, clock);
    }

    /**
     * @param label the step's name: a build that backs up and restores tells the two apart
     * @param secretUsername the SSH user name when its credential marks it secret: masked in every
     *     line (the engine names the user when it connects)
     */
    BuildLogProgress(PrintStream out, String label, String host, @CheckForNull String secretUsername, Clock clock) {
        this.out = out;
        this.prefix = "[" + label + " " + host + "] ";
        this.secretUsername = secretUsername == null || secretUsername.isEmpty() ? null : secretUsername;
        this.clock = clock;
    }

    @Override
    public synchronized void phase(String phase, String message) {
        if (phase.equals("copy")) {
            copyStartMillis = clock.millis();
            lastReportMillis = -1;
            lastReportPercent = -1;
            lastReportBytes = -1;
        }
        line(phase + ": " + message);
    }

    @Override
    public synchronized void info(String message) {
        line(message);
    }

    @Override
    public synchronized void warn(String message) {
        line("WARNING: " + message);
    }

    @Override
    public synchronized void copyProgress(long bytesDone, long bytesTotal) {
        if (bytesTotal <= 0 || bytesDone < 0) {
            return;
        }
        long now = clock.millis();
        if (copyStartMillis < 0) {
            copyStartMillis = now;
        }
        int percent = (int) Math.min(100, bytesDone * 100 / bytesTotal);
        boolean first = lastReportMillis < 0;
        boolean step = percent >= lastReportPercent + PERCENT_STEP || (percent == 100 && lastReportPercent < 100);
        boolean interval = now - lastReportMillis >= INTERVAL_MILLIS && bytesDone > lastReportBytes;
        if (!first && !step && !interval) {
            return;
        }
        lastReportMillis = now;
        lastReportPercent = percent;
        lastReportBytes = bytesDone;
        StringBuilder text = new StringBuilder("copy: ").append(percent).append("% (").append(Bytes.human(bytesDone))
                .append(" of ").append(Bytes.human(bytesTotal)).append(')');
        long elapsed = now - copyStartMillis;
        if (elapsed >= 1000 && bytesDone > 0) {
            text.append(", ").append(Bytes.human(bytesDone * 1000 / elapsed)).append("/s");
        }
        line(text.toString());
    }

    private void line(String text) {
        String shown = secretUsername == null ? text : text.replace(secretUsername, "****");
        out.println(prefix + Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + " " + shown);
        out.flush();
    }

    /** 12.3 s style, for downtime in messages. */
    static String millis(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
