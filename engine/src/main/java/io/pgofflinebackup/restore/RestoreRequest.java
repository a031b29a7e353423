package io.pgofflinebackup.restore;

import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.backup.ServiceSettings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A restore: which backup, onto which data directory, and the confirmation that must name that
 * data directory exactly (a guard against restoring onto the wrong cluster at 3 a.m.).
 *
 * @param tablespaceMap where to restore tablespaces instead of their original locations: tablespace
 *                      oid or name to an absolute path
 * @param walDir where to restore a WAL directory that was outside PGDATA instead of its original
 *               location, or null
 * @param keepConfig leave the configuration files outside PGDATA as they are on the host
 * @param backupHost {@code [USER@]HOST[:PORT]} of the backup host that holds {@code backup} (made with
 *                   --dest-host), fetched to the database host first; null when the backup is on the database host
 * @param backupHostKnownHosts known_hosts file on the database host for the backup host's key, or null for ssh's
 * @param backupHostIdentity private key file on the database host that the backup host accepts, or null for ssh's
 */
public record RestoreRequest(ConnectionSettings connection, ServiceSettings service, String backup, String pgdata,
        String confirm, Map<String, String> tablespaceMap, String walDir, boolean keepConfig, String backupHost,
        String backupHostKnownHosts, String backupHostIdentity) {

    public RestoreRequest {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(pgdata, "pgdata");
        tablespaceMap = tablespaceMap == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tablespaceMap));
    }

    /** A restore of everything to where it was. */
    public RestoreRequest(ConnectionSettings connection, ServiceSettings service, String backup, String pgdata,
            String confirm) {
        this(connection, service, backup, pgdata, confirm, Map.of(), null, false, null, null, null);
    }

    /** The same restore, from a backup on the database host (the copy fetched from the backup host). */
    public RestoreRequest withFetchedBackup(String path) {
        return new RestoreRequest(connection, service, path, pgdata, confirm, tablespaceMap, walDir, keepConfig, null,
                null, null);
    }

    /** Where {@code backup} is: on the backup host {@code backupHost}, or on the database host. */
    public io.pgofflinebackup.backup.Destination backupLocation() {
        if (backupHost == null) {
            return new io.pgofflinebackup.backup.Destination.OnDatabaseHost(backup);
        }
        return new io.pgofflinebackup.backup.Destination.OnBackupHost(
                io.pgofflinebackup.backup.Destination.OnBackupHost.parseHost(backupHost, connection.target().user()),
                backup);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks what can be checked without the host; throws IllegalArgumentException saying what is wrong. */
    public void validate() {
        ServiceSettings.absolutePath("--backup", backup);
        ServiceSettings.absolutePath("--pgdata", pgdata);
        if (Path.of(pgdata).normalize().toString().equals("/")) {
            throw new IllegalArgumentException("--pgdata cannot be the root directory");
        }
        String data = Path.of(pgdata).normalize().toString();
        String from = Path.of(backup).normalize().toString();
        if (from.equals(data) || from.startsWith(data + "/") || data.startsWith(from + "/")) {
            throw new IllegalArgumentException("--backup and --pgdata must not contain one another");
        }
        for (Map.Entry<String, String> entry : tablespaceMap.entrySet()) {
            String key = entry.getKey();
            if (key == null || key.isBlank() || key.chars().anyMatch(c -> c < 0x20)) {
                throw new IllegalArgumentException("--tablespace-map needs a tablespace oid or name before '=', not '"
                        + key + "'");
            }
            ServiceSettings.absolutePath("--tablespace-map " + key, entry.getValue());
            requireNotRoot("--tablespace-map " + key, entry.getValue());
        }
        if (walDir != null) {
            ServiceSettings.absolutePath("--wal-dir", walDir);
            requireNotRoot("--wal-dir", walDir);
        }
        if (backupHost != null) {
            backupLocation();
            if (backupHostKnownHosts != null) {
                ServiceSettings.absolutePath("--backup-host-known-hosts", backupHostKnownHosts);
                if (!backupHostKnownHosts.matches("[^\\s'\"]+")) {
                    throw new IllegalArgumentException("--backup-host-known-hosts cannot hold spaces or quotes (ssh"
                            + " would read several files): " + backupHostKnownHosts);
                }
            }
            if (backupHostIdentity != null) {
                ServiceSettings.absolutePath("--backup-host-identity", backupHostIdentity);
            }
        } else if (backupHostKnownHosts != null || backupHostIdentity != null) {
            throw new IllegalArgumentException("--backup-host-known-hosts and --backup-host-identity go with --backup-host");
        }
        service.validate();
    }

    private static void requireNotRoot(String option, String value) {
        if (Path.of(value).normalize().toString().equals("/")) {
            throw new IllegalArgumentException(option + " cannot be the root directory");
        }
    }

    /** The confirmation must repeat the target exactly; checked before anything else happens. */
    public boolean confirmed() {
        return pgdata.equals(confirm);
    }

    /** Fluent construction, with the same service defaults as a backup. */
    public static final class Builder extends JobSettingsBuilder<Builder> {
        private String backup;
        private String pgdata;
        private String confirm;
        private final Map<String, String> tablespaceMap = new LinkedHashMap<>();
        private String walDir;
        private boolean keepConfig;
        private String backupHost;
        private String backupHostKnownHosts;
        private String backupHostIdentity;

        @Override
        protected Builder self() {
            return this;
        }

        public Builder backup(String value) {
            backup = value;
            return this;
        }

        public Builder pgdata(String value) {
            pgdata = value;
            return this;
        }

        public Builder confirm(String value) {
            confirm = value;
            return this;
        }

        /** Restores the tablespace with this oid or name at {@code path} instead of its original location. */
        public Builder tablespaceMap(String oidOrName, String path) {
            tablespaceMap.put(oidOrName, path);
            return this;
        }

        public Builder walDir(String value) {
            walDir = value;
            return this;
        }

        public Builder keepConfig(boolean value) {
            keepConfig = value;
            return this;
        }

        /** {@code [USER@]HOST[:PORT]} of the backup host that holds {@link #backup}. */
        public Builder backupHost(String value) {
            backupHost = value;
            return this;
        }

        public Builder backupHostKnownHosts(String value) {
            backupHostKnownHosts = value;
            return this;
        }

        public Builder backupHostIdentity(String value) {
            backupHostIdentity = value;
            return this;
        }

        public RestoreRequest build() {
            return new RestoreRequest(connection(), service(), backup, pgdata, confirm, tablespaceMap, walDir,
                    keepConfig, blankToNull(backupHost), blankToNull(backupHostKnownHosts),
                    blankToNull(backupHostIdentity));
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
