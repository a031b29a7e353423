package io.pgofflinebackup.restore;

import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.backup.ServiceSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A restore: which backup, onto which data directory, and the confirmation that must name that
 * data directory exactly (a guard against restoring onto the wrong cluster at 3 a.m.).
 */
public record RestoreRequest(ConnectionSettings connection, ServiceSettings service, String backup, String pgdata,
        String confirm) {

    public RestoreRequest {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(pgdata, "pgdata");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks what can be checked without the host; throws IllegalArgumentException saying what is wrong. */
    public void validate() {
        requireAbsolute("--backup", backup);
        requireAbsolute("--pgdata", pgdata);
        if (Path.of(pgdata).normalize().toString().equals("/")) {
            throw new IllegalArgumentException("--pgdata cannot be the root directory");
        }
        String data = Path.of(pgdata).normalize().toString();
        String from = Path.of(backup).normalize().toString();
        if (from.equals(data) || from.startsWith(data + "/") || data.startsWith(from + "/")) {
            throw new IllegalArgumentException("--backup and --pgdata must not contain one another");
        }
        service.validate();
    }

    /** The confirmation must repeat the target exactly; checked before anything else happens. */
    public boolean confirmed() {
        return pgdata.equals(confirm);
    }

    private static void requireAbsolute(String option, String value) {
        if (!value.startsWith("/") || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(option + " must be an absolute path on one line, not '" + value + "'");
        }
    }

    /** Fluent construction, with the same service defaults as a backup. */
    public static final class Builder extends JobSettingsBuilder<Builder> {
        private String backup;
        private String pgdata;
        private String confirm;

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

        public RestoreRequest build() {
            return new RestoreRequest(connection(), service(), backup, pgdata, confirm);
        }
    }
}
