package io.jenkins.plugins.pgofflinebackup;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.util.Secret;
import io.pgofflinebackup.ssh.SshCredentials;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The SSH login taken from Jenkins credentials: user name and key or password, as bytes in memory.
 * It goes to the engine over the agent channel (never to a file, never into the build's saved
 * state: only the running backup holds it) and is wiped when the backup ends. {@link #toString()}
 * shows no secret.
 */
final class SshLogin implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String username;
    private final boolean usernameSecret;
    private final byte[] privateKey;
    private final byte[] passphrase;
    private final byte[] password;
    private final int keyCount;

    private SshLogin(String credentialsId, String username, boolean usernameSecret, byte[] privateKey,
            byte[] passphrase, byte[] password, int keyCount) {
        this.credentialsId = credentialsId;
        this.username = username;
        this.usernameSecret = usernameSecret;
        this.privateKey = privateKey;
        this.passphrase = passphrase;
        this.password = password;
        this.keyCount = keyCount;
    }

    /**
     * @throws IllegalArgumentException for a kind of credentials the engine cannot log in with, or
     *     an SSH key credential without a key
     */
    static SshLogin from(String credentialsId, StandardUsernameCredentials credentials) {
        String username = credentials.getUsername();
        boolean secretName = credentials.isUsernameSecret();
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException(Messages.Credentials_noUsername(credentialsId));
        }
        if (credentials instanceof SSHUserPrivateKey key) {
            List<String> keys = key.getPrivateKeys();
            if (keys.isEmpty() || keys.get(0).isBlank()) {
                throw new IllegalArgumentException(Messages.Credentials_noKey(credentialsId));
            }
            return new SshLogin(credentialsId, username, secretName, bytes(keys.get(0)),
                    secretBytes(key.getPassphrase()), null, keys.size());
        }
        if (credentials instanceof StandardUsernamePasswordCredentials userPassword) {
            return new SshLogin(credentialsId, username, secretName, null, null,
                    secretBytes(userPassword.getPassword()), 0);
        }
        throw new IllegalArgumentException(Messages.Credentials_unsupported(credentialsId));
    }

    String username() {
        return username;
    }

    boolean usernameSecret() {
        return usernameSecret;
    }

    /** How many private keys the credential holds; the engine logs in with the first. */
    int keyCount() {
        return keyCount;
    }

    boolean isPrivateKey() {
        return privateKey != null;
    }

    /** The engine's credentials: copies, so that {@link #wipe()} leaves the engine's alone. */
    SshCredentials toSshCredentials() {
        if (privateKey != null) {
            return new SshCredentials.PrivateKey("Jenkins credentials '" + credentialsId + "'", privateKey, passphrase);
        }
        return new SshCredentials.Password(password);
    }

    /** Overwrites the secrets, once the engine no longer needs them. */
    void wipe() {
        for (byte[] secret : new byte[][] {privateKey, passphrase, password}) {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "SshLogin[" + credentialsId + ", " + (privateKey != null ? "private key" : "password") + "]";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @CheckForNull
    private static byte[] secretBytes(@CheckForNull Secret secret) {
        if (secret == null) {
            return null;
        }
        String plain = secret.getPlainText();
        return plain.isEmpty() ? null : bytes(plain);
    }
}
