package io.pgofflinebackup.ssh;

import java.util.Objects;

/** Where to log in: host, port and user. */
public record SshTarget(String host, int port, String user) {
    public SshTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the SSH host is empty");
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("the SSH user is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the SSH port must be between 1 and 65535, not " + port);
        }
    }

    /** {@code user@host:port}, for logs. */
    public String display() {
        return user + "@" + host + ":" + port;
    }
}
