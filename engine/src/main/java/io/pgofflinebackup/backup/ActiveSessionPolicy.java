package io.pgofflinebackup.backup;

import io.pgofflinebackup.util.Durations;
import io.pgofflinebackup.JobFailure;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * What to do about clients connected before the stop: refuse (the default, listing them), wait up
 * to a time for them to leave, or proceed and let the fast shutdown disconnect them.
 */
public record ActiveSessionPolicy(Kind kind, Duration maxWait) {
    public enum Kind { REFUSE, WAIT, PROCEED }

    public static final ActiveSessionPolicy REFUSE = new ActiveSessionPolicy(Kind.REFUSE, Duration.ZERO);
    public static final ActiveSessionPolicy PROCEED = new ActiveSessionPolicy(Kind.PROCEED, Duration.ZERO);

    public static ActiveSessionPolicy waitFor(Duration wait) {
        return new ActiveSessionPolicy(Kind.WAIT, wait);
    }

    /** {@code refuse}, {@code proceed} or {@code wait:DURATION}. */
    public static ActiveSessionPolicy parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("refuse")) {
            return REFUSE;
        }
        if (value.equals("proceed")) {
            return PROCEED;
        }
        if (value.startsWith("wait:")) {
            return waitFor(Durations.parse(value.substring("wait:".length())));
        }
        throw new IllegalArgumentException("active-sessions must be refuse, proceed or wait:DURATION (e.g. wait:5m), not '"
                + text + "'");
    }

    /** A fresh look at the cluster (another inspection). */
    @FunctionalInterface
    public interface Recheck<P> {
        P again() throws JobFailure;
    }

    private static final Duration POLL = Duration.ofSeconds(2);
    /**
     * How long {@code refuse} waits before its second look: a client that has just disconnected (a
     * monitoring query, a script's psql that ended a moment ago) is still listed while its server
     * process exits.
     */
    private static final Duration SECOND_LOOK = Duration.ofMillis(500);

    /**
     * While clients are connected ({@code connected}): for {@code wait:DURATION}, looks again every two
     * seconds until none is, the wait is over or an abort is asked for (an interrupt counts as one); for
     * {@code refuse}, looks once more after {@link #SECOND_LOOK}. Returns the last look; {@code proceed}
     * returns {@code plan} as it is.
     */
    public <P> P awaitNoSessions(P plan, Predicate<P> connected, Recheck<P> recheck, AtomicBoolean abort)
            throws JobFailure {
        if (kind == Kind.PROCEED || !connected.test(plan)) {
            return plan;
        }
        if (kind == Kind.REFUSE) {
            return pause(SECOND_LOOK, abort) ? recheck.again() : plan;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (connected.test(plan) && System.nanoTime() < deadline && !abort.get()) {
            pause(POLL, abort);
            plan = recheck.again();
        }
        return plan;
    }

    /**
     * What {@link #awaitNoSessions} does while clients are connected, for the job's log: "looking again
     * in 500 ms before refusing", "waiting up to 5m for them to end" or "going ahead".
     */
    public String intent() {
        return switch (kind) {
            case REFUSE -> "looking again in " + SECOND_LOOK.toMillis() + " ms before refusing";
            case WAIT -> "waiting up to " + Durations.format(maxWait) + " for them to end";
            case PROCEED -> "going ahead";
        };
    }

    /** Sleeps; an interrupt ends it and counts as an abort. Whether it slept to the end. */
    private static boolean pause(Duration time, AtomicBoolean abort) {
        try {
            Thread.sleep(time.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort.set(true);
            return false;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.WAIT ? "wait:" + Durations.format(maxWait) : kind.name().toLowerCase(Locale.ROOT);
    }
}
