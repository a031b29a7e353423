package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * The chosen host key check in a form that travels to the agent, where it becomes the engine's
 * {@link HostKeyPolicy}. File paths are resolved where the engine runs: a known_hosts file is the
 * agent's when the step runs inside {@code node}.
 *
 * @param knownHostsFile for {@link Kind#KNOWN_HOSTS_FILE}: the file, or null for ~/.ssh/known_hosts
 *     of the user the engine runs as; a leading ~/ is that user's home
 * @param fingerprint for {@link Kind#PINNED_FINGERPRINT}
 * @param trustedKeys for {@link Kind#TRUST_ON_FIRST_USE}: the keys the controller has trusted so far,
 *     in known_hosts format
 */
record HostKeySpec(Kind kind, @CheckForNull String knownHostsFile, @CheckForNull String fingerprint,
        @CheckForNull String trustedKeys) implements Serializable {

    private static final long serialVersionUID = 1L;

    enum Kind { KNOWN_HOSTS_FILE, PINNED_FINGERPRINT, TRUST_ON_FIRST_USE, NOT_VERIFIED }

    /**
     * The check a step or build step chose; none chosen means the known_hosts file.
     *
     * @throws IllegalArgumentException when the choice is not usable (a malformed key, say)
     */
    static HostKeySpec of(@CheckForNull HostKeyVerification verification) {
        return verification == null ? knownHostsFile(null) : verification.toSpec();
    }

    static HostKeySpec knownHostsFile(@CheckForNull String file) {
        return new HostKeySpec(Kind.KNOWN_HOSTS_FILE, Text.blankToNull(file), null, null);
    }

    static HostKeySpec pinned(String fingerprint) {
        return new HostKeySpec(Kind.PINNED_FINGERPRINT, null, fingerprint, null);
    }

    static HostKeySpec trustOnFirstUse() {
        return new HostKeySpec(Kind.TRUST_ON_FIRST_USE, null, null, "");
    }

    static HostKeySpec notVerified() {
        return new HostKeySpec(Kind.NOT_VERIFIED, null, null, null);
    }

    /**
     * The check a step saved (its kind's name, file and fingerprint), after a controller restart.
     * Keys trusted on first use are looked up again: the saved state holds none.
     */
    static HostKeySpec restored(String kind, @CheckForNull String knownHostsFile, @CheckForNull String fingerprint) {
        Kind restored = Kind.valueOf(kind);
        return new HostKeySpec(restored, knownHostsFile, fingerprint, restored == Kind.TRUST_ON_FIRST_USE ? "" : null);
    }

    HostKeySpec withTrustedKeys(String keys) {
        return new HostKeySpec(kind, knownHostsFile, fingerprint, keys);
    }

    boolean verifies() {
        return kind != Kind.NOT_VERIFIED;
    }

    /**
     * The engine's policy, on the machine that runs the engine.
     *
     * @param trustFile for trust on first use: a file holding {@link #trustedKeys()}, which the
     *     engine appends a new host's key to
     */
    HostKeyPolicy toPolicy(@CheckForNull Path trustFile) {
        switch (kind) {
            case KNOWN_HOSTS_FILE:
                return new HostKeyPolicy.KnownHostsFile(resolve(knownHostsFile));
            case PINNED_FINGERPRINT:
                return new HostKeyPolicy.PinnedFingerprint(fingerprint);
            case TRUST_ON_FIRST_USE:
                if (trustFile == null) {
                    throw new IllegalStateException("trust on first use needs the file of trusted keys");
                }
                return new HostKeyPolicy.AcceptNew(trustFile);
            case NOT_VERIFIED:
                return new HostKeyPolicy.InsecureAcceptAny();
            default:
                throw new IllegalStateException("unknown host key check " + kind);
        }
    }

    /** For the build log and the build page. */
    String describe() {
        switch (kind) {
            case KNOWN_HOSTS_FILE:
                return Messages.HostKey_describe_knownHosts(knownHostsFile == null ? "~/.ssh/known_hosts" : knownHostsFile);
            case PINNED_FINGERPRINT:
                return Messages.HostKey_describe_pinned(fingerprint);
            case TRUST_ON_FIRST_USE:
                return Messages.HostKey_describe_trustOnFirstUse();
            default:
                return Messages.HostKey_describe_notVerified();
        }
    }

    static Path resolve(@CheckForNull String file) {
        String home = System.getProperty("user.home");
        if (file == null) {
            return Path.of(home, ".ssh", "known_hosts");
        }
        if (file.equals("~")) {
            return Path.of(home);
        }
        return file.startsWith("~/") ? Path.of(home, file.substring(2)) : Path.of(file);
    }
}
