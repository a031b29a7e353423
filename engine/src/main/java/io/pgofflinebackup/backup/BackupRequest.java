package io.pgofflinebackup.backup;

import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a backup needs to know. Built by the CLI or the Jenkins step; checked by
 * {@link #validate()} before anything is contacted.
 *
 * @param pgBin directory of pg_ctl and friends on the host, or null to find it from PG_VERSION
 * @param maxDowntime abort the copy and start PostgreSQL again after this long, or null for no limit
 * @param stopCommand user-given command that stops PostgreSQL (with startCommand), or null for pg_ctl
 * @param dbUser role used to list sessions and prove the server serves; null means the PGDATA owner's name
 * @param serverLog file pg_ctl sends the server's output to when it starts it; null for a default
 * @param serviceManager how PostgreSQL is stopped and started (see {@link ServiceSettings})
 * @param sudo act through {@code sudo -n} (see {@link ServiceSettings})
 * @param snapshot whether the critical section takes a reflink clone instead of copying
 * @param precopy copy while PostgreSQL runs, then after the stop only what changed since
 * @param keep after a successful backup, keep only the newest this many complete backups of the
 *        cluster in the destination; 0 keeps all
 * @param link hard-link files unchanged since the previous complete backup in the destination
 * @param destHost {@code [USER@]HOST[:PORT]} of a backup host that receives the copy ({@code dest} is then a
 *        directory there), or null for a destination on the database host (see {@link #destination()})
 * @param destHostKnownHosts known_hosts file on the database host for the backup host's key, or null for ssh's
 * @param destHostIdentity private key file on the database host that the backup host accepts, or null for ssh's
 * @param pullTo directory on the machine running this engine that the backup is pulled into
 *        ({@code --pull-to}), or null; {@code dest} is then unused (empty)
 */
public record BackupRequest(SshTarget target, SshCredentials credentials, HostKeyPolicy hostKeyPolicy,
        String pgdata, String dest, String pgBin, StopMode stopMode, Duration stopTimeout, Duration startTimeout,
        ActiveSessionPolicy activeSessions, Duration maxDowntime, String stopCommand, String startCommand,
        String dbUser, String dbName, String serverLog, Duration connectTimeout, Duration reconnectTimeout,
        ServiceManager serviceManager, boolean sudo, SnapshotMode snapshot, boolean precopy, int keep,
        boolean link, String destHost, String destHostKnownHosts, String destHostIdentity, java.nio.file.Path pullTo) {

    public BackupRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        Objects.requireNonNull(pgdata, "pgdata");
        dest = dest == null ? "" : dest;
        Objects.requireNonNull(stopMode, "stopMode");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(activeSessions, "activeSessions");
        Objects.requireNonNull(dbName, "dbName");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
        serviceManager = serviceManager == null ? ServiceManager.AUTO : serviceManager;
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean customServiceCommands() {
        return stopCommand != null;
    }

    /**
     * Where the backup goes: {@code dest} on the database host, or on the backup host {@code destHost}.
     *
     * @throws IllegalArgumentException when {@code destHost} is not {@code [USER@]HOST[:PORT]}
     */
    public Destination destination() {
        if (pullTo != null) {
            return new Destination.PulledTo(pullTo);
        }
        if (destHost == null || destHost.isBlank()) {
            return new Destination.OnDatabaseHost(dest);
        }
        return new Destination.OnBackupHost(Destination.OnBackupHost.parseHost(destHost, target.user()), dest);
    }

    public boolean toBackupHost() {
        return destination() instanceof Destination.OnBackupHost;
    }

    /** Whether the copy leaves the database host through this process ({@code --pull-to}). */
    public boolean pulled() {
        return pullTo != null;
    }

    public ConnectionSettings connection() {
        return new ConnectionSettings(target, credentials, hostKeyPolicy, connectTimeout, reconnectTimeout);
    }

    public ServiceSettings service() {
        return new ServiceSettings(pgBin, stopMode, stopTimeout, startTimeout, activeSessions, maxDowntime,
                stopCommand, startCommand, dbUser, dbName, serverLog, serviceManager, sudo);
    }

    /** Checks what can be checked without the host; throws IllegalArgumentException saying what is wrong. */
    public void validate() {
        ServiceSettings.absolutePath("--pgdata", pgdata);
        if (pullTo != null) {
            validatePull();
            service().validate();
            return;
        }
        ServiceSettings.absolutePath("--dest", dest);
        if (ServiceSettings.normalize(pgdata).equals("/")) {
            throw new IllegalArgumentException("--pgdata cannot be the root directory");
        }
        if (destHost != null && !destHost.isBlank()) {
            validateBackupHost();
        } else if (destHostKnownHosts != null || destHostIdentity != null) {
            throw new IllegalArgumentException("--dest-host-known-hosts and --dest-host-identity go with --dest-host");
        } else if (ServiceSettings.inside(dest, pgdata)) {
            throw new IllegalArgumentException("--dest " + dest + " is inside --pgdata " + pgdata
                    + ": the backup would copy itself; choose a directory outside the data directory");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("--keep must be 1 or more (0 or none keeps every backup), not " + keep);
        }
        service().validate();
    }

    /** What --pull-to cannot be combined with, said before anything is contacted. */
    private void validatePull() {
        if (destHost != null && !destHost.isBlank()) {
            throw new IllegalArgumentException("--dest-host and --pull-to exclude each other: give one destination");
        }
        if (!dest.isEmpty()) {
            throw new IllegalArgumentException("--dest and --pull-to exclude each other: --dest is a directory on the"
                    + " database host, --pull-to one on this machine; give one of them");
        }
        if (!pullTo.isAbsolute()) {
            throw new IllegalArgumentException("--pull-to must be an absolute path, not " + pullTo);
        }
        if (keep > 0) {
            throw new IllegalArgumentException("--keep is not supported with --pull-to: remove old pulled backups"
                    + " from " + pullTo + " yourself (nothing there is deleted by this tool)");
        }
        if (precopy) {
            throw new IllegalArgumentException("--precopy is not supported with --pull-to: the pre-copy is written"
                    + " on the database host; use --snapshot reflink to shorten the downtime of a pull");
        }
    }

    private void validateBackupHost() {
        destination();
        if (precopy) {
            throw new IllegalArgumentException("--precopy does not go with --dest-host: the copy after the stop would"
                    + " compare files across the network, which gains little; use --snapshot (copy-on-write) to"
                    + " shorten the downtime, or a --dest on the database host");
        }
        if (destHostKnownHosts != null) {
            ServiceSettings.absolutePath("--dest-host-known-hosts", destHostKnownHosts);
            if (!destHostKnownHosts.matches("[^\\s'\"]+")) {
                throw new IllegalArgumentException("--dest-host-known-hosts cannot hold spaces or quotes (ssh would read"
                        + " several files): " + destHostKnownHosts);
            }
        }
        if (destHostIdentity != null) {
            ServiceSettings.absolutePath("--dest-host-identity", destHostIdentity);
        }
    }

    /** Fluent construction with the defaults a careful DBA expects. */
    public static final class Builder extends JobSettingsBuilder<Builder> {
        private String pgdata;
        private String dest;
        private SnapshotMode snapshot = SnapshotMode.AUTO;
        private boolean precopy;
        private int keep;
        private boolean link = true;
        private String destHost;
        private String destHostKnownHosts;
        private String destHostIdentity;
        private java.nio.file.Path pullTo;

        @Override
        protected Builder self() {
            return this;
        }

        public Builder pgdata(String value) {
            pgdata = value;
            return this;
        }

        public Builder dest(String value) {
            dest = value;
            return this;
        }

        public Builder snapshot(SnapshotMode value) {
            snapshot = value;
            return this;
        }

        public Builder precopy(boolean value) {
            precopy = value;
            return this;
        }

        public Builder keep(int value) {
            keep = value;
            return this;
        }

        public Builder link(boolean value) {
            link = value;
            return this;
        }

        /** Pulls the backup into this local directory instead of writing it on the host ({@code --pull-to}). */
        public Builder pullTo(java.nio.file.Path localDir) {
            pullTo = localDir;
            return this;
        }

        /** {@code [USER@]HOST[:PORT]} of a backup host; {@link #dest} is then a directory there. */
        public Builder destHost(String value) {
            destHost = value;
            return this;
        }

        public Builder destHostKnownHosts(String value) {
            destHostKnownHosts = value;
            return this;
        }

        public Builder destHostIdentity(String value) {
            destHostIdentity = value;
            return this;
        }

        public BackupRequest build() {
            ConnectionSettings c = connection();
            ServiceSettings s = service();
            return new BackupRequest(c.target(), c.credentials(), c.hostKeyPolicy(), pgdata, dest, s.pgBin(),
                    s.stopMode(), s.stopTimeout(), s.startTimeout(), s.activeSessions(), s.maxDowntime(),
                    s.stopCommand(), s.startCommand(), s.dbUser(), s.dbName(), s.serverLog(), c.connectTimeout(),
                    c.reconnectTimeout(), s.manager(), s.sudo(), snapshot, precopy, keep, pullTo == null && link,
                    blankToNull(destHost), blankToNull(destHostKnownHosts), blankToNull(destHostIdentity), pullTo);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
