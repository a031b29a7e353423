package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.util.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How to reach and trust the database host. Secrets come from files or environment variables only:
 * a command line is visible to every user of the machine in the process list.
 */
final class ConnectionOptions {
    @Option(names = "--host", required = true, description = "Database host to connect to over SSH.")
    String host;

    @Option(names = "--port", defaultValue = "22", description = "SSH port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--user", required = true, description = "SSH user: the cluster owner (e.g. postgres).")
    String user;

    @Option(names = "--identity", paramLabel = "KEYFILE", description = "Private key file for key authentication.")
    Path identity;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "File holding the key's passphrase.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the SSH password.")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the SSH password.")
    String passwordEnv;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "known_hosts file the host key must be in (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--host-key-fingerprint", paramLabel = "SHA256:...",
            description = "Accept only the host key with this fingerprint (ssh-keygen -lf prints it).")
    String fingerprint;

    @Option(names = "--accept-new-host-key",
            description = "Trust on first use: accept and store an unknown host's key; a changed key is still refused.")
    boolean acceptNew;

    @Option(names = "--insecure-accept-any-host-key",
            description = "Do not verify the host key at all (unsafe; every log says so).")
    boolean insecure;

    @Option(names = "--connect-timeout", defaultValue = "20s", paramLabel = "DURATION",
            description = "Time allowed to connect (default: ${DEFAULT-VALUE}).")
    String connectTimeout;

    @Option(names = "--reconnect-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long to keep trying to reconnect after the connection drops (default: ${DEFAULT-VALUE}).")
    String reconnectTimeout;

    /** Sets the connection part of a request; throws UsageError for bad values. */
    <B extends JobSettingsBuilder<B>> B apply(B builder, Map<String, String> environment) {
        try {
            return builder.target(target())
                    .credentials(credentials(environment))
                    .hostKeyPolicy(hostKeyPolicy())
                    .connectTimeout(Durations.parse(connectTimeout))
                    .reconnectTimeout(Durations.parse(reconnectTimeout));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    SshTarget target() {
        try {
            return new SshTarget(host, port, user);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    SshCredentials credentials(Map<String, String> environment) {
        int ways = (identity != null ? 1 : 0) + (passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0);
        if (ways != 1) {
            throw new UsageError("give exactly one of --identity, --password-file or --password-env");
        }
        if (passphraseFile != null && passphraseEnv != null) {
            throw new UsageError("give --passphrase-file or --passphrase-env, not both");
        }
        if (identity == null && (passphraseFile != null || passphraseEnv != null)) {
            throw new UsageError("a passphrase goes with --identity");
        }
        try {
            if (identity != null) {
                SshCredentials.PrivateKey key = SshCredentials.keyFile(identity, passphraseFile);
                if (passphraseEnv != null) {
                    key = new SshCredentials.PrivateKey(identity.toString(), key.key(),
                            SshCredentials.secretFromValue(env(environment, passphraseEnv)));
                }
                return key;
            }
            if (passwordFile != null) {
                return SshCredentials.passwordFile(passwordFile);
            }
            return new SshCredentials.Password(SshCredentials.secretFromValue(env(environment, passwordEnv)));
        } catch (IOException e) {
            throw new UsageError("cannot read " + e.getMessage(), e);
        }
    }

    private static String env(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null) {
            throw new UsageError("the environment variable " + name + " is not set");
        }
        return value;
    }

    HostKeyPolicy hostKeyPolicy() {
        int ways = (fingerprint != null ? 1 : 0) + (acceptNew ? 1 : 0) + (insecure ? 1 : 0);
        if (ways > 1) {
            throw new UsageError("choose one of --host-key-fingerprint, --accept-new-host-key and "
                    + "--insecure-accept-any-host-key");
        }
        if ((fingerprint != null || insecure) && knownHosts != null) {
            throw new UsageError("--known-hosts does not go with --host-key-fingerprint or "
                    + "--insecure-accept-any-host-key");
        }
        Path file = knownHosts != null ? knownHosts
                : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        try {
            if (fingerprint != null) {
                return new HostKeyPolicy.PinnedFingerprint(fingerprint);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (insecure) {
            return new HostKeyPolicy.InsecureAcceptAny();
        }
        return acceptNew ? new HostKeyPolicy.AcceptNew(file) : new HostKeyPolicy.KnownHostsFile(file);
    }
}
