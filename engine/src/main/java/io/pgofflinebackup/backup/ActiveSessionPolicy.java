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
     * For {@code wait:DURATION}: looks again every two seconds until no client is connected, the
     * wait is over or an abort is asked for (an interrupt counts as one); returns the last look.
     * Any other policy returns {@code plan} as it is.
     */
    public <P> P awaitNoSessions(P plan, Predicate<P> connected, Recheck<P> recheck, AtomicBoolean abort)
            throws JobFailure {
        if (kind != Kind.WAIT) {
            return plan;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (connected.test(plan) && System.nanoTime() < deadline && !abort.get()) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort.set(true);
            }
            plan = recheck.again();
        }
        return plan;
    }

    @Override
    public String toString() {
        return kind == Kind.WAIT ? "wait:" + Durations.format(maxWait) : kind.name().toLowerCase(Locale.ROOT);
    }
}
