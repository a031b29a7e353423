package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.util.Bytes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Progress for people on stderr: a line per phase and log message, and on a terminal a copy
 * progress bar with bytes and ETA redrawn in place.
 */
final class ConsoleProgress implements ProgressListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final Clock clock;
    private boolean barShown;
    private long copyStartNanos;

    ConsoleProgress(PrintStream out, boolean terminal, Clock clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public void phase(String phase, String message) {
        if (phase.equals("copy")) {
            copyStartNanos = System.nanoTime();
        }
        line(String.format("%-8s %s", phase, message));
    }

    @Override
    public void info(String message) {
        line("         " + message);
    }

    @Override
    public void warn(String message) {
        line("WARNING  " + message);
    }

    @Override
    public void copyProgress(long done, long total) {
        if (!terminal || total <= 0) {
            return;
        }
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) (fraction * BAR);
        double seconds = (System.nanoTime() - copyStartNanos) / 1e9;
        String eta = "";
        if (fraction > 0.02 && seconds > 1) {
            long remaining = Math.round(seconds / fraction - seconds);
            eta = " ETA " + remaining / 60 + "m" + String.format("%02d", remaining % 60) + "s";
        }
        out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + Math.round(fraction * 100) + "% "
                + Bytes.human(done) + " / " + Bytes.human(total) + eta + "   ");
        out.flush();
        barShown = true;
    }

    private void line(String text) {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.println(LocalTime.now(clock.withZone(ZoneId.systemDefault())).format(TIME) + " " + text);
        out.flush();
    }
}
