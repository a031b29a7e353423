package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.util.Secret;
import io.pgofflinebackup.ssh.SshCredentials;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshLoginTest {
    private static final String PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

    private static Secret secret(String plain) {
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(plain);
        return secret;
    }

    @Test
    void aPrivateKeyGoesToTheEngineInMemory() {
        SSHUserPrivateKey key = mock(SSHUserPrivateKey.class);
        when(key.getUsername()).thenReturn("postgres");
        when(key.getPrivateKeys()).thenReturn(List.of(PEM, "second"));
        Secret passphrase = secret("s3cret");
        when(key.getPassphrase()).thenReturn(passphrase);

        SshLogin login = SshLogin.from("db1-ssh", key);

        assertEquals("postgres", login.username());
        assertEquals(2, login.keyCount());
        SshCredentials.PrivateKey engine = (SshCredentials.PrivateKey) login.toSshCredentials();
        assertArrayEquals(PEM.getBytes(StandardCharsets.UTF_8), engine.key());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), engine.passphrase());
        assertFalse(login.toString().contains("s3cret"));
        assertFalse(login.toString().contains("OPENSSH"));
        assertFalse(engine.toString().contains("s3cret"));
    }

    @Test
    void aKeyWithoutPassphrase() {
        SSHUserPrivateKey key = mock(SSHUserPrivateKey.class);
        when(key.getUsername()).thenReturn("postgres");
        when(key.getPrivateKeys()).thenReturn(List.of(PEM));
        SshCredentials.PrivateKey engine = (SshCredentials.PrivateKey) SshLogin.from("id", key).toSshCredentials();
        assertNull(engine.passphrase());
    }

    @Test
    void aPasswordGoesToTheEngineInMemory() {
        StandardUsernamePasswordCredentials password = mock(StandardUsernamePasswordCredentials.class);
        when(password.getUsername()).thenReturn("postgres");
        Secret secret = secret("pw");
        when(password.getPassword()).thenReturn(secret);

        SshLogin login = SshLogin.from("db1-pw", password);

        assertFalse(login.isPrivateKey());
        assertArrayEquals("pw".getBytes(StandardCharsets.UTF_8),
                ((SshCredentials.Password) login.toSshCredentials()).password());
        assertEquals("SshLogin[db1-pw, password]", login.toString());
    }

    @Test
    void wipingLeavesNoSecretInTheLogin() {
        StandardUsernamePasswordCredentials password = mock(StandardUsernamePasswordCredentials.class);
        when(password.getUsername()).thenReturn("postgres");
        Secret secret = secret("pw");
        when(password.getPassword()).thenReturn(secret);
        SshLogin login = SshLogin.from("db1-pw", password);

        login.wipe();

        assertArrayEquals(new byte[2], ((SshCredentials.Password) login.toSshCredentials()).password());
    }

    @Test
    void unusableCredentialsAreRefusedWithTheReason() {
        StandardUsernameCredentials other = mock(StandardUsernameCredentials.class);
        when(other.getUsername()).thenReturn("postgres");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SshLogin.from("cert", other)).getMessage()
                .contains("neither an SSH private key nor a user name with password"));

        SSHUserPrivateKey empty = mock(SSHUserPrivateKey.class);
        when(empty.getUsername()).thenReturn("postgres");
        when(empty.getPrivateKeys()).thenReturn(List.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SshLogin.from("empty", empty)).getMessage()
                .contains("hold no private key"));

        SSHUserPrivateKey nameless = mock(SSHUserPrivateKey.class);
        when(nameless.getUsername()).thenReturn("");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SshLogin.from("anon", nameless)).getMessage()
                .contains("have no user name"));
    }
}
