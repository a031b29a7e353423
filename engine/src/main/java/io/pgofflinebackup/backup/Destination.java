package io.pgofflinebackup.backup;

import io.pgofflinebackup.ssh.SshTarget;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup is written: on the database host itself ({@code --dest}), on a backup host the
 * database host pushes to ({@code --dest-host}), or on the machine running the tool, pulled through
 * its own SSH connection ({@code --pull-to}). Only the last two are backups of the host.
 */
public sealed interface Destination permits Destination.OnDatabaseHost, Destination.OnBackupHost, Destination.PulledTo {

    /** The directory the backup goes into ({@code <path>/<id>}), on whichever host it lies. */
    String path();

    /** A directory on the database host itself (or a file system mounted there): {@code --dest}. */
    record OnDatabaseHost(String path) implements Destination {
        public OnDatabaseHost {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * A directory on a backup host that the database host reaches with ssh and pushes the copy to
     * with rsync: {@code --dest-host [USER@]HOST[:PORT] --dest DIR}.
     */
    record OnBackupHost(SshTarget host, String path) implements Destination {
        // Host names and IPv4 addresses only: a word that starts with '-' would be an ssh option,
        // and ':' or '@' inside would change what rsync reads as host and path.
        private static final Pattern SPEC = Pattern.compile(
                "(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?");

        public OnBackupHost {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
        }

        /**
         * Parses {@code [USER@]HOST[:PORT]}; without USER, the user we log in as on the database host
         * (the one the copy runs as), without PORT 22.
         *
         * @throws IllegalArgumentException saying what is wrong with the spec
         */
        public static SshTarget parseHost(String spec, String defaultUser) {
            Matcher m = SPEC.matcher(spec == null ? "" : spec.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--dest-host must be [USER@]HOST[:PORT] (a host name or IPv4 address,"
                        + " letters, digits, '.', '-' and '_'), not '" + spec + "'");
            }
            int port = m.group(3) == null ? 22 : Integer.parseInt(m.group(3));
            return new SshTarget(m.group(2), port, m.group(1) == null ? defaultUser : m.group(1));
        }

        /** {@code user@host}, as ssh and rsync take it. */
        public String login() {
            return host.user() + "@" + host.host();
        }
    }

    /**
     * A directory on the machine running this engine: the runner on the database host stops
     * PostgreSQL (or clones it) and waits while this side pulls a tar stream of each area through
     * its own SSH connection and writes it here as it arrives.
     */
    record PulledTo(Path localDir) implements Destination {
        public PulledTo {
            Objects.requireNonNull(localDir, "localDir");
        }

        @Override
        public String path() {
            return localDir.toString();
        }
    }
}
