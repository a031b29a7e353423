package io.pgofflinebackup.backup;

import java.nio.file.Path;

/**
 * Where a backup is written. Today's {@code --dest} writes it on the database host itself;
 * {@code --pull-to} streams it to the machine that runs the tool (the Jenkins agent), which is a
 * backup of the host, not beside it.
 */
public sealed interface Destination permits Destination.OnDatabaseHost, Destination.PulledTo {

    /** A directory on the database host, written by the runner there. */
    record OnDatabaseHost(String path) implements Destination {
    }

    /**
     * A directory on the machine running this engine: the runner on the database host stops
     * PostgreSQL (or clones it) and waits while this side pulls a tar stream of each area through
     * its own SSH connection and writes it here as it arrives.
     */
    record PulledTo(Path localDir) implements Destination {
    }
}
