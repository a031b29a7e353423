package io.pgofflinebackup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FixturesTest {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private final TestUser user = TestUser.get();

    @Test
    void processRunnerCapturesOutputAndKillsOnTimeout() {
        ProcessResult result = ProcessRunner.run(List.of("sh", "-c", "cat; echo err >&2; exit 3"),
                Map.of(), "hello", Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("hello");
        assertThat(result.stderr()).isEqualTo("err\n");

        long started = System.nanoTime();
        try {
            ProcessRunner.run(List.of("sh", "-c", "sleep 600 & sleep 600"), Duration.ofMillis(300));
            throw new AssertionError("expected a time-out");
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessageContaining("sleep 600");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void sshdAcceptsKeyLoginAndCloseLeavesNoProcess() throws Exception {
        long sshdPid;
        List<Long> sessionPids;
        Process client = null;
        try (SshServer sshd = SshServer.start(user)) {
            ProcessResult id = ProcessRunner.run(List.of("ssh", "-o", "BatchMode=yes",
                    "-o", "UserKnownHostsFile=" + sshd.knownHostsFile(), "-o", "StrictHostKeyChecking=yes",
                    "-i", sshd.clientKey().toString(), "-p", Integer.toString(sshd.port()),
                    user.name() + "@127.0.0.1", "id -u"), SSH_TIMEOUT).orThrow();
            assertThat(id.stdout().trim()).isEqualTo(Integer.toString(user.uid()));
            assertThat(sshd.hostKeyFingerprint()).startsWith("SHA256:");
            assertThat(Files.readAllLines(sshd.knownHostsFile()))
                    .hasSize(2)
                    .allMatch(l -> l.startsWith("[127.0.0.1]:" + sshd.port() + " "));

            // A session still open at close() must not outlive the server.
            client = startInBackground(sshd.sshCommand("sleep 600"));
            sessionPids = awaitSessions(sshd);
            sshdPid = sshd.pid();
        } finally {
            if (client != null) {
                client.destroyForcibly();
            }
        }
        assertThat(Procs.isAlive(sshdPid)).isFalse();
        assertThat(sessionPids).noneMatch(Procs::isAlive);
    }

    @Test
    void killSessionsDropsConnectionsButKeepsServer() throws Exception {
        try (SshServer sshd = SshServer.start(user)) {
            Process client = startInBackground(sshd.sshCommand("sleep 600"));
            try {
                List<Long> sessions = awaitSessions(sshd);
                sshd.killSessions();
                assertThat(sessions).noneMatch(Procs::isAlive);
                assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(client.exitValue()).isEqualTo(255);
            } finally {
                client.destroyForcibly();
            }
            assertThat(ProcessRunner.run(sshd.sshCommand("echo", "still-there"), SSH_TIMEOUT).orThrow().stdout())
                    .isEqualTo("still-there\n");
        }
    }

    @Test
    void passphraseKeyAndPasswordLogin() throws IOException {
        try (SshServer sshd = SshServer.start(user, "127.0.0.2")) {
            assertThat(Files.readString(sshd.passphraseFile())).isEqualTo(sshd.passphrase());
            assertThat(askpassLogin(sshd, sshd.passphraseFile(), "-i", sshd.clientKeyWithPassphrase().toString(),
                    "-o", "PreferredAuthentications=publickey")).isEqualTo(Integer.toString(user.uid()));

            assumeTrue(user.testsRunAsRoot(), "password login needs root");
            assertThat(Files.getPosixFilePermissions(sshd.passwordFile()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(askpassLogin(sshd, sshd.passwordFile(), "-o", "PubkeyAuthentication=no",
                    "-o", "PreferredAuthentications=password")).isEqualTo(Integer.toString(user.uid()));
        }
    }

    @Test
    void clusterAnswersStopsAndLeavesNoProcess() {
        long postmaster;
        List<Long> backends;
        Process session;
        try (PgCluster pg = PgCluster.create(user)) {
            assertThat(pg.query("SELECT count(*) FROM pgbench_accounts")).isEqualTo("100000");
            assertThat(pg.query("SHOW data_checksums")).isEqualTo("on");
            assertThat(pg.superuser()).isEqualTo(user.name());
            assertThat(pg.majorVersion()).isEqualTo(Integer.parseInt(pg.binDir().getParent().getFileName().toString()));

            pg.stopFast();
            assertThat(pg.controlState()).isEqualTo("shut down");
            assertThat(pg.isRunning()).isFalse();
            assertThat(pg.postmasterPid()).isEqualTo(-1);

            pg.start();
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.controlState()).isEqualTo("in production");
            session = pg.openSession("SELECT pg_sleep(600)");
            postmaster = pg.postmasterPid();
            backends = ProcessHandle.of(postmaster).orElseThrow().descendants().map(ProcessHandle::pid).toList();
            assertThat(backends).isNotEmpty();
        }
        assertThat(Procs.isAlive(postmaster)).isFalse();
        assertThat(session.isAlive()).isFalse();
        assertThat(backends).noneMatch(Procs::isAlive);
    }

    @Test
    void settingsInConfigFileAndAdoptedCopy() throws IOException {
        PgCluster.Options options = PgCluster.Options.defaults()
                .withStartWithOptions(false).withDataChecksums(false).withPgbenchScale(0);
        Path copy = TestUser.newWorkDir("copy").resolve("data");
        try (PgCluster pg = PgCluster.create(user, options)) {
            assertThat(pg.query("SHOW port")).isEqualTo(Integer.toString(pg.port()));
            assertThat(pg.query("SHOW data_checksums")).isEqualTo("off");
            pg.query("CREATE TABLE marker AS SELECT 42 AS answer");
            pg.stopImmediate();
            assertThat(pg.isRunning()).isFalse();
            assertThat(pg.controlState()).isEqualTo("in production");
            user.runAs(List.of("cp", "-a", pg.pgdata().toString(), copy.toString()), SSH_TIMEOUT).orThrow();
        }
        int port = PgCluster.freePort();
        long pid;
        try (PgCluster adopted = PgCluster.adopt(user, copy, port, copy.resolveSibling("sock"))) {
            assertThat(adopted.query("SHOW port")).isEqualTo(Integer.toString(port));
            assertThat(adopted.query("SELECT answer FROM marker")).isEqualTo("42");
            assertThat(copy.resolveSibling("adopted-server.log")).isNotEmptyFile();
            pid = adopted.postmasterPid();
        }
        assertThat(Procs.isAlive(pid)).isFalse();
    }

    private static Process startInBackground(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true)
                .start();
    }

    private static List<Long> awaitSessions(SshServer sshd) {
        long deadline = System.nanoTime() + SSH_TIMEOUT.toNanos();
        List<Long> pids = sshd.sessionProcessPids();
        while (pids.isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("sessions of " + sshd).isNegative();
            Procs.pause();
            pids = sshd.sessionProcessPids();
        }
        return pids;
    }

    /** Logs in with ssh reading the secret from a file through SSH_ASKPASS, and returns the remote uid. */
    private String askpassLogin(SshServer sshd, Path secretFile, String... authOptions) throws IOException {
        Path askpass = sshd.directory().resolve("askpass-" + secretFile.getFileName() + ".sh");
        Files.writeString(askpass, "#!/bin/sh\ncat '" + secretFile + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=no",
                "-o", "NumberOfPasswordPrompts=1", "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + sshd.knownHostsFile(), "-o", "StrictHostKeyChecking=yes",
                "-p", Integer.toString(sshd.port())));
        command.addAll(List.of(authOptions));
        command.addAll(List.of(user.name() + "@" + sshd.host(), "id -u"));
        return ProcessRunner.run(command, Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force"),
                null, SSH_TIMEOUT).orThrow().stdout().trim();
    }
}
