package io.jenkins.plugins.pgofflinebackup;

import io.pgofflinebackup.ssh.HostKeyPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Turns what a user pastes as "the host's key" into the SHA-256 fingerprint the engine pins. */
final class HostKeys {
    private HostKeys() {
    }

    /**
     * Accepts a fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:...}) or a public key
     * line as in {@code /etc/ssh/ssh_host_ed25519_key.pub} ({@code ssh-ed25519 AAAA... comment}).
     * Pinning the key's SHA-256 fingerprint is as strict as comparing the whole key: the engine
     * hashes the key the server presents and compares.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static String fingerprint(String keyOrFingerprint) {
        String text = keyOrFingerprint == null ? "" : keyOrFingerprint.strip();
        if (text.startsWith("SHA256:")) {
            return new HostKeyPolicy.PinnedFingerprint(text).fingerprint();
        }
        String[] fields = text.split("\\s+");
        if (fields.length < 2) {
            throw new IllegalArgumentException(Messages.HostKey_unrecognized());
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(fields[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Messages.HostKey_notBase64(fields[0]), e);
        }
        // The key blob starts with its own type name; a mismatch means a pasting mistake.
        if (!fields[0].equals(blobType(blob))) {
            throw new IllegalArgumentException(Messages.HostKey_typeMismatch(fields[0]));
        }
        return sha256(blob);
    }

    private static String blobType(byte[] blob) {
        if (blob.length < 4) {
            return "";
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length <= 0 || length > blob.length - 4) {
            return "";
        }
        return new String(blob, 4, length, StandardCharsets.US_ASCII);
    }

    private static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
