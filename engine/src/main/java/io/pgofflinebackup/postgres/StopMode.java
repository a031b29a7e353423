package io.pgofflinebackup.postgres;

import java.util.Locale;

/**
 * How PostgreSQL is shut down. There is deliberately no immediate mode: it skips the shutdown
 * checkpoint, so the files are only crash-consistent and the copy would not be a backup.
 */
public enum StopMode {
    FAST, SMART;

    public String pgCtlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StopMode parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "fast":
                return FAST;
            case "smart":
                return SMART;
            case "immediate":
                throw new IllegalArgumentException("stop mode 'immediate' is refused: it skips the shutdown checkpoint,"
                        + " so the copy would need crash recovery and is not a consistent backup; use fast or smart");
            default:
                throw new IllegalArgumentException("stop mode must be fast or smart, not '" + text + "'");
        }
    }
}
