package io.pgofflinebackup.ssh;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** How the server's host key is checked. Every policy but {@link InsecureAcceptAny} rejects a mismatch. */
public sealed interface HostKeyPolicy {

    /** The key must be in this OpenSSH known_hosts file (default {@code ~/.ssh/known_hosts}). */
    record KnownHostsFile(Path file) implements HostKeyPolicy {
        public KnownHostsFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** The key's SHA-256 fingerprint must be this one ({@code SHA256:base64}, as ssh-keygen -l prints). */
    record PinnedFingerprint(String fingerprint) implements HostKeyPolicy {
        private static final Pattern FORMAT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");

        public PinnedFingerprint {
            Objects.requireNonNull(fingerprint, "fingerprint");
            if (!FORMAT.matcher(fingerprint).matches()) {
                throw new IllegalArgumentException("a host key fingerprint looks like SHA256: followed by 43 base64 "
                        + "characters (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub prints it), not '"
                        + fingerprint + "'");
            }
        }
    }

    /**
     * Trust on first use: a host not yet in the file is accepted and its key appended; a host that is
     * there must match.
     */
    record AcceptNew(Path file) implements HostKeyPolicy {
        public AcceptNew {
            Objects.requireNonNull(file, "file");
        }
    }

    /** No check at all. Only on explicit request, and every log says so. */
    record InsecureAcceptAny() implements HostKeyPolicy {
    }

    static HostKeyPolicy defaultPolicy() {
        return new KnownHostsFile(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    }
}
