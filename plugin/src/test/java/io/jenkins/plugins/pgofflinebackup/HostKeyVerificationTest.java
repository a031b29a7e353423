package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ssh.HostKeyPolicy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HostKeyVerificationTest {

    /** An ed25519 public key in SSH wire format: string "ssh-ed25519", string key(32 bytes). */
    static byte[] ed25519Blob() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        out.writeInt(type.length);
        out.write(type);
        out.writeInt(32);
        for (int i = 0; i < 32; i++) {
            out.writeByte(i * 7);
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] blob) throws Exception {
        return "SHA256:" + Base64.getEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
    }

    @Test
    void knownHostsFileIsTheDefaultAndIsResolvedWhereTheEngineRuns() {
        HostKeySpec spec = new KnownHostsFileVerification().toSpec();
        assertEquals(HostKeySpec.Kind.KNOWN_HOSTS_FILE, spec.kind());
        assertEquals(new HostKeyPolicy.KnownHostsFile(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts")),
                spec.toPolicy(null));
        assertTrue(spec.verifies());
    }

    @Test
    void knownHostsFileMayBeAbsoluteOrInTheHome() {
        KnownHostsFileVerification absolute = new KnownHostsFileVerification();
        absolute.setKnownHostsFile("/etc/ssh/ssh_known_hosts");
        assertEquals(new HostKeyPolicy.KnownHostsFile(Path.of("/etc/ssh/ssh_known_hosts")),
                absolute.toSpec().toPolicy(null));

        KnownHostsFileVerification home = new KnownHostsFileVerification();
        home.setKnownHostsFile("~/backup_known_hosts");
        assertEquals(new HostKeyPolicy.KnownHostsFile(Path.of(System.getProperty("user.home"), "backup_known_hosts")),
                home.toSpec().toPolicy(null));

        KnownHostsFileVerification relative = new KnownHostsFileVerification();
        relative.setKnownHostsFile("known_hosts");
        assertThrows(IllegalArgumentException.class, relative::toSpec);
    }

    @Test
    void aPastedFingerprintIsPinned() {
        String fingerprint = "SHA256:" + "A".repeat(43);
        HostKeySpec spec = new ManuallyProvidedKeyVerification(" " + fingerprint + " ").toSpec();
        assertEquals(new HostKeyPolicy.PinnedFingerprint(fingerprint), spec.toPolicy(null));
    }

    @Test
    void aPastedPublicKeyLineIsPinnedByItsFingerprint() throws Exception {
        byte[] blob = ed25519Blob();
        String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " root@db1";
        HostKeySpec spec = new ManuallyProvidedKeyVerification(line).toSpec();
        assertEquals(new HostKeyPolicy.PinnedFingerprint(sha256(blob)), spec.toPolicy(null));
    }

    @Test
    void aMangledKeyIsRefusedWithAHint() throws Exception {
        String blob = Base64.getEncoder().encodeToString(ed25519Blob());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HostKeys.fingerprint("ssh-rsa " + blob)).getMessage().contains("does not match its type"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HostKeys.fingerprint("ssh-ed25519 not*base64")).getMessage().contains("not valid base64"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HostKeys.fingerprint("hello")).getMessage().contains("SHA256:"));
        assertThrows(IllegalArgumentException.class, () -> HostKeys.fingerprint("SHA256:short"));
    }

    @Test
    void trustOnFirstUseUsesTheControllersKeysInAFileWhereTheEngineRuns() {
        HostKeySpec spec = new TrustOnFirstUseVerification().toSpec().withTrustedKeys("db1 ssh-ed25519 AAAA\n");
        assertEquals(HostKeySpec.Kind.TRUST_ON_FIRST_USE, spec.kind());
        assertEquals("db1 ssh-ed25519 AAAA\n", spec.trustedKeys());
        Path file = Path.of("/tmp/trusted");
        assertEquals(new HostKeyPolicy.AcceptNew(file), spec.toPolicy(file));
        assertThrows(IllegalStateException.class, () -> spec.toPolicy(null));
    }

    @Test
    void nonVerifyingSaysSo() {
        HostKeySpec spec = new NonVerifyingVerification().toSpec();
        assertEquals(new HostKeyPolicy.InsecureAcceptAny(), spec.toPolicy(null));
        assertFalse(spec.verifies());
        assertEquals("NOT VERIFIED", spec.describe());
    }
}
