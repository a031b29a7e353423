package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;

/**
 * A duration as a step's saved state holds it: milliseconds, 0 for "not set" (the engine's
 * default), so that the saved form stays a plain number.
 */
final class SavedDuration {
    private SavedDuration() {
    }

    static long millis(@CheckForNull Duration value) {
        return value == null ? 0 : value.toMillis();
    }

    @CheckForNull
    static Duration duration(long millis) {
        return millis == 0 ? null : Duration.ofMillis(millis);
    }
}
