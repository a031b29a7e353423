package io.pgofflinebackup.backup;

import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshConnector;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/** How every job reaches and trusts the database host. */
public record ConnectionSettings(SshTarget target, SshCredentials credentials, HostKeyPolicy hostKeyPolicy,
        Duration connectTimeout, Duration reconnectTimeout) {

    public ConnectionSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
    }

    public SshConnector connector(Consumer<String> warnings) {
        return new SshConnector(target, credentials, hostKeyPolicy, connectTimeout, warnings);
    }
}
