package io.pgofflinebackup.backup;

import java.util.Locale;

/**
 * Whether the critical section takes a copy-on-write clone (reflink) of the cluster instead of
 * copying it: downtime is then stop + clone + start, whatever the size, and the copy to the
 * destination runs with PostgreSQL serving again.
 */
public enum SnapshotMode {
    /** A clone where every directory of the cluster is on a file system that can make one (probed), a copy elsewhere. */
    AUTO,
    /** A clone, or a refusal before any downtime when the file system cannot make one. */
    REFLINK,
    /** Never a clone. */
    NONE;

    public static SnapshotMode parse(String text) {
        if (text == null || text.isBlank()) {
            return AUTO;
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "reflink":
                return REFLINK;
            case "none":
                return NONE;
            default:
                throw new IllegalArgumentException("--snapshot must be auto, reflink or none, not '" + text + "'");
        }
    }

    /** The word used on the command line and in the runner's params. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
