package io.pgofflinebackup.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Checks the server's host key according to a {@link HostKeyPolicy}. JSch is run with
 * StrictHostKeyChecking=yes and this repository decides; it remembers what it saw so that a
 * rejection can be explained with the key's type and fingerprint.
 */
final class HostKeyVerifier implements HostKeyRepository {
    private final HostKeyPolicy policy;
    private final HostKeyRepository knownHosts;
    private final Consumer<String> warnings;
    private volatile Seen seen;

    /** The last key the server presented and what we answered. */
    record Seen(String host, String type, String fingerprint, int verdict) {
    }

    private HostKeyVerifier(HostKeyPolicy policy, HostKeyRepository knownHosts, Consumer<String> warnings) {
        this.policy = policy;
        this.knownHosts = knownHosts;
        this.warnings = warnings;
    }

    static HostKeyVerifier create(JSch jsch, HostKeyPolicy policy, Consumer<String> warnings) throws JSchException {
        Path file = null;
        if (policy instanceof HostKeyPolicy.KnownHostsFile known) {
            file = known.file();
        } else if (policy instanceof HostKeyPolicy.AcceptNew acceptNew) {
            file = acceptNew.file();
        }
        HostKeyRepository repository = null;
        if (file != null) {
            if (Files.isRegularFile(file)) {
                jsch.setKnownHosts(file.toString());
            }
            repository = jsch.getHostKeyRepository();
        }
        return new HostKeyVerifier(policy, repository, warnings);
    }

    Seen seen() {
        return seen;
    }

    static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public int check(String host, byte[] key) {
        String fingerprint = fingerprint(key);
        String type = keyType(host, key);
        int verdict;
        if (policy instanceof HostKeyPolicy.KnownHostsFile) {
            verdict = knownHosts.check(host, key);
        } else if (policy instanceof HostKeyPolicy.AcceptNew acceptNew) {
            verdict = acceptNew(acceptNew.file(), host, key, type, fingerprint);
        } else if (policy instanceof HostKeyPolicy.PinnedFingerprint pinned) {
            verdict = pinned.fingerprint().replaceAll("=$", "").equals(fingerprint) ? OK : CHANGED;
        } else {
            warnings.accept("host key NOT verified (insecure accept-any policy): " + host + " presented "
                    + type + " " + fingerprint + "; anyone between here and the host could read and change "
                    + "everything this job sends");
            verdict = OK;
        }
        seen = new Seen(host, type, fingerprint, verdict);
        return verdict;
    }

    private int acceptNew(Path file, String host, byte[] key, String type, String fingerprint) {
        int verdict = knownHosts.check(host, key);
        if (verdict != NOT_INCLUDED) {
            return verdict;
        }
        try {
            HostKey hostKey = new HostKey(host, key);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            String line = host + " " + hostKey.getType() + " " + hostKey.getKey() + "\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            warnings.accept("first connection to " + host + ": trusted its " + type + " key " + fingerprint
                    + " and stored it in " + file);
            return OK;
        } catch (JSchException e) {
            throw new IllegalStateException("cannot read the host key of " + host, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the host key of " + host + " in " + file, e);
        }
    }

    private static String keyType(String host, byte[] key) {
        try {
            return new HostKey(host, key).getType();
        } catch (JSchException e) {
            return "unknown-type";
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // JSch only adds keys when StrictHostKeyChecking is not "yes"; we never run it that way.
        throw new UnsupportedOperationException("host keys are only added by the accept-new policy");
    }

    @Override
    public void remove(String host, String type) {
        throw new UnsupportedOperationException("host keys are never removed by this tool");
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        throw new UnsupportedOperationException("host keys are never removed by this tool");
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return "pg-offline-backup:" + policy.getClass().getSimpleName();
    }

    @Override
    public HostKey[] getHostKey() {
        return knownHosts == null ? new HostKey[0] : knownHosts.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        // JSch asks this to prefer the key types it already knows for the host.
        return knownHosts == null ? new HostKey[0] : knownHosts.getHostKey(host, type);
    }
}
