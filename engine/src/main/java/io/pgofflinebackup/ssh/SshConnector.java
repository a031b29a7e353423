package io.pgofflinebackup.ssh;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Consumer;

/** Opens verified, authenticated SSH sessions to one target. */
public final class SshConnector {
    private final SshTarget target;
    private final SshCredentials credentials;
    private final HostKeyPolicy hostKeyPolicy;
    private final Duration connectTimeout;
    private final Consumer<String> warnings;

    public SshConnector(SshTarget target, SshCredentials credentials, HostKeyPolicy hostKeyPolicy,
            Duration connectTimeout, Consumer<String> warnings) {
        this.target = target;
        this.credentials = credentials;
        this.hostKeyPolicy = hostKeyPolicy;
        this.connectTimeout = connectTimeout;
        this.warnings = warnings;
    }

    public SshTarget target() {
        return target;
    }

    public SshSession connect() throws JobFailure {
        return new SshSession(this, open());
    }

    Session open() throws JobFailure {
        if (hostKeyPolicy instanceof HostKeyPolicy.KnownHostsFile known && !Files.isRegularFile(known.file())) {
            throw new JobFailure(ErrorCode.HOST_KEY_UNKNOWN, "the known_hosts file " + known.file()
                    + " does not exist, so the host key of " + target.host() + " cannot be verified. Add the host's"
                    + " key to it (compare `ssh-keyscan -p " + target.port() + " " + target.host() + "` with the"
                    + " key on the host), or pin its fingerprint, or accept it on first use");
        }
        JSch jsch = new JSch();
        HostKeyVerifier verifier;
        Session session;
        try {
            verifier = HostKeyVerifier.create(jsch, hostKeyPolicy, warnings);
            jsch.setHostKeyRepository(verifier);
            if (credentials instanceof SshCredentials.PrivateKey key) {
                addIdentity(jsch, key);
            }
            session = jsch.getSession(target.user(), target.host(), target.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("HashKnownHosts", "no");
            if (credentials instanceof SshCredentials.Password password) {
                session.setPassword(password.password());
                session.setConfig("PreferredAuthentications", "password");
            } else {
                session.setConfig("PreferredAuthentications", "publickey");
            }
            // Detect a dead connection in about 30 s, so the runner's state is re-read after a reconnect.
            session.setServerAliveInterval(10_000);
            session.setServerAliveCountMax(3);
        } catch (JSchException e) {
            throw new JobFailure(ErrorCode.INTERNAL, "cannot prepare the SSH session: " + e.getMessage(), e);
        }
        try {
            session.connect((int) connectTimeout.toMillis());
            return session;
        } catch (JSchException e) {
            throw explain(e, verifier.seen());
        }
    }

    private static void addIdentity(JSch jsch, SshCredentials.PrivateKey key) throws JobFailure {
        try {
            jsch.addIdentity(key.name(), key.key(), null, key.passphrase());
        } catch (JSchException e) {
            String message = key.passphrase() == null
                    ? "the private key " + key.name() + " cannot be used (is it encrypted? then give its passphrase)"
                    : "the private key " + key.name() + " cannot be decrypted with the given passphrase";
            throw new JobFailure(ErrorCode.AUTHENTICATION_FAILED, message + ": " + e.getMessage(), e);
        }
    }

    private JobFailure explain(JSchException e, HostKeyVerifier.Seen seen) {
        Throwable cause = e.getCause();
        String where = target.host() + ":" + target.port();
        if (seen != null && seen.verdict() == HostKeyRepository.CHANGED) {
            return new JobFailure(ErrorCode.HOST_KEY_MISMATCH, "HOST KEY MISMATCH for " + where + ": it presented "
                    + seen.type() + " " + seen.fingerprint() + ", which is not the key we trust (" + policyText()
                    + "). Someone may be intercepting the connection. If the host was really reinstalled, verify"
                    + " the new key on the host itself and update the trusted key; nothing was done", e);
        }
        if (seen != null && seen.verdict() == HostKeyRepository.NOT_INCLUDED) {
            return new JobFailure(ErrorCode.HOST_KEY_UNKNOWN, "the host key of " + where + " (" + seen.type() + " "
                    + seen.fingerprint() + ") is not in " + policyText() + ". Verify it on the host"
                    + " (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and add it, or pin the fingerprint", e);
        }
        if (cause instanceof UnknownHostException) {
            return new JobFailure(ErrorCode.UNKNOWN_HOST, "unknown host '" + target.host()
                    + "': the name does not resolve", e);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return new JobFailure(ErrorCode.CONNECTION_FAILED, "cannot connect to " + where + " ("
                    + cause.getMessage() + "): is sshd running there and is the port right?", e);
        }
        if (cause instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("timeout")) {
            return new JobFailure(ErrorCode.CONNECTION_FAILED, "connecting to " + where + " timed out after "
                    + connectTimeout.toSeconds() + "s", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Algorithm negotiation fail")) {
            return new JobFailure(ErrorCode.CONNECTION_FAILED, "SSH connection to " + where + " refused: the server"
                    + " offers no algorithm we accept (" + message + "). Weak ones (SHA-1 key exchange or ssh-rsa"
                    + " signatures, CBC or 3DES ciphers, MD5 MACs) are never used; enable current algorithms in the"
                    + " server's sshd_config; nothing was done", e);
        }
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel") || message.startsWith("USERAUTH fail")
                || message.contains("Too many authentication failures")) {
            String how = credentials instanceof SshCredentials.Password ? "password" : "private key";
            String hint = message.startsWith("USERAUTH fail")
                    && credentials instanceof SshCredentials.PrivateKey key && key.passphrase() == null
                    ? " (it is encrypted: give its passphrase)" : "";
            return new JobFailure(ErrorCode.AUTHENTICATION_FAILED, "SSH authentication as '" + target.user()
                    + "' at " + where + " failed: the server did not accept the " + how + hint, e);
        }
        return new JobFailure(ErrorCode.CONNECTION_FAILED, "SSH connection to " + where + " failed: " + message, e);
    }

    private String policyText() {
        if (hostKeyPolicy instanceof HostKeyPolicy.KnownHostsFile known) {
            return "the known_hosts file " + known.file();
        }
        if (hostKeyPolicy instanceof HostKeyPolicy.AcceptNew acceptNew) {
            return "the known_hosts file " + acceptNew.file();
        }
        if (hostKeyPolicy instanceof HostKeyPolicy.PinnedFingerprint pinned) {
            return "the pinned fingerprint " + pinned.fingerprint();
        }
        return "no verification";
    }
}
