package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private OpenSSH server on a loopback address, owned by this JVM as a child process.
 *
 * <p>As root, sshd runs as root and lets {@link TestUser} log in with a key or a password. Without
 * root, sshd runs as the current user and can only log that user in, with a key.
 */
public final class SshServer implements AutoCloseable {

    private static final String SSHD = "/usr/sbin/sshd"; // sshd refuses to re-exec unless started by absolute path
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 5;

    private final TestUser user;
    private final String host;
    private final Path directory;
    private final String passphrase;
    private final String password;
    private final String hostKeyFingerprint;
    private final Map<String, String> environment;
    private final List<OpsUser> extraUsers;
    private final List<String> extraConfig;
    private volatile int port;
    private volatile Process process;
    private boolean closed;

    private SshServer(TestUser user, String host, Path directory, String passphrase, String password,
                      String hostKeyFingerprint, Map<String, String> environment, List<OpsUser> extraUsers,
                      List<String> extraConfig) {
        this.environment = Map.copyOf(environment);
        this.extraUsers = List.copyOf(extraUsers);
        this.extraConfig = List.copyOf(extraConfig);
        this.user = user;
        this.host = host;
        this.directory = directory;
        this.passphrase = passphrase;
        this.password = password;
        this.hostKeyFingerprint = hostKeyFingerprint;
    }

    public static SshServer start(TestUser user) {
        return start(user, "127.0.0.1");
    }

    public static SshServer start(TestUser user, String listenAddress) {
        return start(user, listenAddress, Map.of(), List.of(), List.of());
    }

    /** @param extraConfig sshd_config lines added to the usual ones (e.g. to offer only weak algorithms) */
    public static SshServer start(TestUser user, String listenAddress, List<String> extraConfig) {
        return start(user, listenAddress, Map.of(), List.of(), extraConfig);
    }

    /**
     * @param environment variables sshd sets in every session (sshd_config SetEnv, which overrides PATH
     *                    too), e.g. a private PG_CLUSTER_CONF_ROOT or a PATH with fake commands first
     * @param extraUsers  further accounts that may log in with {@link #clientKey()}
     */
    public static SshServer start(TestUser user, String listenAddress, Map<String, String> environment,
                                  List<OpsUser> extraUsers) {
        return start(user, listenAddress, environment, extraUsers, List.of());
    }

    private static SshServer start(TestUser user, String listenAddress, Map<String, String> environment,
                                   List<OpsUser> extraUsers, List<String> extraConfig) {
        Path dir = TestUser.newWorkDir("sshd");
        try {
            keygen(dir.resolve("ssh_host_ed25519_key"), "ed25519", "");
            keygen(dir.resolve("ssh_host_rsa_key"), "rsa", "");
            String passphrase = TestUser.randomToken(12);
            keygen(dir.resolve("id_ed25519"), "ed25519", "");
            keygen(dir.resolve("id_ed25519_passphrase"), "ed25519", passphrase);
            writePrivate(dir.resolve("passphrase"), passphrase);
            Files.writeString(dir.resolve("authorized_keys"),
                    Files.readString(dir.resolve("id_ed25519.pub")) + Files.readString(dir.resolve("id_ed25519_passphrase.pub")));
            Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
            String password = null;
            if (user.testsRunAsRoot()) {
                password = user.setPassword(user.machinePassword());
                writePrivate(dir.resolve("password"), password);
            }
            String fingerprint = ProcessRunner.run(List.of("ssh-keygen", "-lf",
                    dir.resolve("ssh_host_ed25519_key.pub").toString()), TOOL_TIMEOUT).orThrow().stdout().split(" ")[1];
            Files.createFile(dir.resolve("sshd.log"));
            SshServer server = new SshServer(user, listenAddress, dir, passphrase, password, fingerprint,
                    environment, extraUsers, extraConfig);
            try {
                server.launch();
            } catch (IOException | RuntimeException e) {
                try {
                    server.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start sshd in " + dir, e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public TestUser user() {
        return user;
    }

    public Path directory() {
        return directory;
    }

    /** sshd's stderr (it logs there with -e). */
    public Path log() {
        return directory.resolve("sshd.log");
    }

    public long pid() {
        return process.pid();
    }

    public Path clientKey() {
        return directory.resolve("id_ed25519");
    }

    public Path clientKeyWithPassphrase() {
        return directory.resolve("id_ed25519_passphrase");
    }

    public String passphrase() {
        return passphrase;
    }

    /** File (0600) holding {@link #passphrase()} without a trailing newline. */
    public Path passphraseFile() {
        return directory.resolve("passphrase");
    }

    /** File (0600) holding the user's login password; only when the tests run as root. */
    public Path passwordFile() {
        requirePassword();
        return directory.resolve("password");
    }

    /** The user's login password; only when the tests run as root. */
    public String password() {
        requirePassword();
        return password;
    }

    private void requirePassword() {
        if (password == null) {
            throw new IllegalStateException("Password login needs the tests to run as root");
        }
    }

    /**
     * What a user of another host (the database host's user, for this server as a backup host) needs to reach
     * this server: the spec {@code user@host:port}, a copy of the client key it owns (0600) and a known_hosts.
     */
    public record ClientAccess(String spec, Path identity, Path knownHosts) {
    }

    /** This server's client key and known_hosts, copied into a new directory of {@code owner}. */
    public ClientAccess accessFor(TestUser owner) {
        Path keys = TestUser.newWorkDir("bhkeys");
        try {
            Files.copy(clientKey(), keys.resolve("id"));
            Files.copy(knownHostsFile(), keys.resolve("known_hosts"));
            owner.chownToUser(keys);
            Files.setPosixFilePermissions(keys.resolve("id"), PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the keys of " + this + " to " + keys, e);
        }
        return new ClientAccess(owner.name() + "@" + host() + ":" + port(), keys.resolve("id"),
                keys.resolve("known_hosts"));
    }

    /** Lines {@code [host]:port keytype base64} for the ed25519 and the RSA host key. */
    public Path knownHostsFile() {
        return directory.resolve("known_hosts");
    }

    /** The ed25519 host key's fingerprint as {@code ssh-keygen -lf} prints it ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    /** An OpenSSH client command line that logs in with {@link #clientKey()} and runs the remote command. */
    public List<String> sshCommand(String... remoteCommand) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", "/dev/null",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + knownHostsFile(), "-o", "StrictHostKeyChecking=yes",
                "-i", clientKey().toString(), "-p", Integer.toString(port), user.name() + "@" + host));
        command.addAll(List.of(remoteCommand));
        return command;
    }

    /** Pids of the per-connection {@code sshd: <user>...} processes below this server. */
    public List<Long> sessionProcessPids() {
        return process.descendants()
                .map(ProcessHandle::pid)
                .filter(pid -> isSessionTitle(Procs.cmdline(pid)))
                .sorted()
                .toList();
    }

    /** SIGKILLs the session processes, as if the connections had dropped; the server keeps running. */
    public void killSessions() {
        List<Long> pids = sessionProcessPids();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        pids.forEach(pid -> Procs.awaitDeath(pid, STOP_TIMEOUT));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownCleanup.unregister(this);
        if (process == null) {
            return;
        }
        // Sessions and the commands they run survive the listener's SIGTERM, so they are collected first.
        List<ProcessHandle> below = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        below.forEach(ProcessHandle::destroyForcibly);
        List<Long> survivors = new ArrayList<>();
        if (!Procs.awaitDeath(process.pid(), STOP_TIMEOUT)) {
            survivors.add(process.pid());
        }
        below.stream().filter(p -> !Procs.awaitDeath(p.pid(), STOP_TIMEOUT)).forEach(p -> survivors.add(p.pid()));
        if (!survivors.isEmpty()) {
            throw new IllegalStateException("sshd processes survived close(): " + survivors);
        }
    }

    @Override
    public String toString() {
        return "SshServer[" + user.name() + "@" + host + ":" + port + ", " + directory + "]";
    }

    private boolean isSessionTitle(String cmdline) {
        String prefix = "sshd: " + user.name();
        if (!cmdline.startsWith(prefix)) {
            return false;
        }
        // "sshd: user [priv]", "sshd: user@notty", but not "sshd: username2 ..."
        return cmdline.length() == prefix.length() || " @".indexOf(cmdline.charAt(prefix.length())) >= 0;
    }

    /** Starts sshd, retrying on a fresh port if another process grabbed the chosen one meanwhile. */
    private void launch() throws IOException {
        if (user.testsRunAsRoot()) {
            // Root sshd's privilege separation directory; normally systemd creates it, but there is none here.
            Files.createDirectories(Path.of("/run/sshd"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.tcp(host);
            Path config = writeConfig();
            writeKnownHosts();
            // sshd reads authorized_keys as the user; everything else stays usable by the user too.
            user.chownToUser(directory);
            for (OpsUser extra : extraUsers) {
                // sshd reads a user's authorized keys with that user's rights.
                Path keys = directory.resolve("authorized_keys_" + extra.name());
                Files.copy(directory.resolve("id_ed25519.pub"), keys, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                ProcessRunner.run(List.of("chown", extra.name(), keys.toString()), TOOL_TIMEOUT).orThrow();
                Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
            }
            ProcessRunner.run(List.of(SSHD, "-t", "-f", config.toString()), TOOL_TIMEOUT).orThrow();
            long logSize = Files.size(log());
            process = new ProcessBuilder(SSHD, "-D", "-e", "-f", config.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
            ShutdownCleanup.register(this);
            if (awaitListening(logSize)) {
                return;
            }
            String log = logSince(logSize);
            if (!log.contains("Address already in use") || attempt >= BIND_ATTEMPTS) {
                throw new IllegalStateException("sshd did not start listening on " + host + ":" + port
                        + "; its log:\n" + log);
            }
        }
    }

    /**
     * True once sshd reports that it listens; false if it exited first. Its own log line is used rather
     * than a probe connection, which would add a bogus connection to the log that tests may inspect.
     */
    private boolean awaitListening(long logOffset) throws IOException {
        String ready = "Server listening on " + host + " port " + port + ".";
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (logSince(logOffset).contains(ready)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Procs.pause();
        }
        throw new IllegalStateException("sshd on " + host + ":" + port + " not listening after " + STARTUP_TIMEOUT
                + "; its log:\n" + logSince(logOffset));
    }

    private String logSince(long offset) throws IOException {
        byte[] whole = Files.readAllBytes(log());
        return new String(whole, (int) offset, whole.length - (int) offset, StandardCharsets.UTF_8);
    }

    private Path writeConfig() throws IOException {
        String config = String.join("\n",
                "ListenAddress " + host,
                "Port " + port,
                "HostKey " + directory.resolve("ssh_host_ed25519_key"),
                "HostKey " + directory.resolve("ssh_host_rsa_key"),
                "PidFile " + directory.resolve("sshd.pid"),
                // Outside the home directory, so StrictModes would reject the world-writable parents of /tmp & co.
                "AuthorizedKeysFile " + directory.resolve("authorized_keys") + " " + directory.resolve("authorized_keys_%u"),
                "StrictModes no",
                // Without PAM, accounts must not be locked ('!'), which TestUser takes care of.
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication " + (user.testsRunAsRoot() ? "yes" : "no"),
                "KbdInteractiveAuthentication no",
                "PermitRootLogin no",
                "AllowUsers " + user.name() + extraUsers.stream().map(u -> " " + u.name()).collect(Collectors.joining()),
                "LogLevel VERBOSE",
                "MaxStartups 100",
                "MaxSessions 100",
                "ClientAliveInterval 5",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                environment.isEmpty() ? "" : "SetEnv " + environment.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" ")),
                String.join("\n", extraConfig),
                "");
        Path file = directory.resolve("sshd_config");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        return file;
    }

    private void writeKnownHosts() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String key : List.of("ssh_host_ed25519_key.pub", "ssh_host_rsa_key.pub")) {
            String[] fields = Files.readString(directory.resolve(key)).trim().split(" ");
            lines.append('[').append(host).append("]:").append(port).append(' ')
                    .append(fields[0]).append(' ').append(fields[1]).append('\n');
        }
        Files.writeString(knownHostsFile(), lines.toString(), StandardCharsets.UTF_8);
    }

    private static void keygen(Path file, String type, String passphrase) {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type));
        if (type.equals("rsa")) {
            // A throwaway host key of a test server: 2048 bits is enough and is made in a quarter of
            // the CPU time of 3072, which the suite pays for every sshd it starts.
            command.addAll(List.of("-b", "2048"));
        }
        command.addAll(List.of("-N", passphrase, "-C", "pgob-test-" + file.getFileName(), "-f", file.toString()));
        ProcessRunner.run(command, TOOL_TIMEOUT).orThrow();
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
