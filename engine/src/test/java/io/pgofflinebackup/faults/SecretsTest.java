package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets stay secret: the password, the key's passphrase and the private key itself never appear
 * in the process list (sampled all through a run; the host is this machine), the job's log, its
 * result as JSON, the backup's manifest and log, or an error message. And what the run leaves on the
 * host while it works is private to the acting user, and gone once it has ended.
 */
class SecretsTest {
    private static final String AREA = "Secrets";
    private static RealHostSupport host;
    private static PgCluster cluster;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(1));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** Samples `ps -eo args` every few milliseconds until stopped. */
    private static final class ProcessListSampler implements AutoCloseable {
        final List<String> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                samples.add(ProcessRunner.run(List.of("ps", "-eo", "args"), Duration.ofSeconds(10)).stdout());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        @Override
        public void close() throws Exception {
            running.set(false);
            loop.get(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"password", "key with passphrase"})
    @FaultCase(id = "secrets.never-shown", area = AREA, phase = "whole run",
            injected = "a complete backup logging in with the credential; `ps -eo args` sampled every ~10 ms"
                    + " throughout (the database host is this machine)",
            mustHold = {"the backup completes", "no process list sample holds the secret or a line of the private key",
                    "neither do the job's log lines, its result as JSON, manifest.json or backup.log"})
    void secretsNeverAppear(String kind) throws Exception {
        List<String> secrets = new ArrayList<>();
        SshCredentials credentials;
        if (kind.equals("password")) {
            assumeTrue(host.user.testsRunAsRoot(), "password login needs a root sshd");
            secrets.add(host.sshd.password());
            credentials = new SshCredentials.Password(host.sshd.password().getBytes(StandardCharsets.UTF_8));
        } else {
            secrets.add(host.sshd.passphrase());
            Path key = host.sshd.clientKeyWithPassphrase();
            Files.readAllLines(key).stream().filter(l -> !l.startsWith("-----") && l.length() >= 16)
                    .forEach(secrets::add);
            credentials = new SshCredentials.PrivateKey(key.toString(), Files.readAllBytes(key),
                    host.sshd.passphrase().getBytes(StandardCharsets.UTF_8));
        }
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupResult result;
        List<String> samples;
        try (ProcessListSampler ps = new ProcessListSampler()) {
            result = new BackupJob(host.request(cluster, host.dest()).credentials(credentials).build(), listener).run();
            samples = ps.samples;
        }

        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(samples).as("process list samples").hasSizeGreaterThan(10);
        String json = new ObjectMapper().writeValueAsString(result);
        String manifest = Files.readString(Path.of(result.manifestPath()));
        String backupLog = Files.readString(Path.of(result.logPath()));
        for (String secret : secrets) {
            assertThat(samples).as("process list").noneMatch(s -> s.contains(secret));
            assertThat(listener.lines).as("job log").noneMatch(l -> l.contains(secret));
            assertThat(json).doesNotContain(secret);
            assertThat(manifest).doesNotContain(secret);
            assertThat(backupLog).doesNotContain(secret);
        }
    }

    @Test
    @FaultCase(id = "secrets.wrong-passphrase-message", area = AREA, phase = "connect",
            injected = "the encrypted key with a wrong passphrase, and a wrong password",
            mustHold = {"AUTHENTICATION_FAILED, exit 2", "the error message and the job log hold neither the given"
                    + " passphrase or password nor the key's lines"})
    void failedLoginsDoNotRepeatTheSecret() throws Exception {
        Path key = host.sshd.clientKeyWithPassphrase();
        String wrong = "wrong-" + host.sshd.passphrase();
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        BackupResult result = new BackupJob(host.request(cluster, host.dest()).credentials(new SshCredentials.PrivateKey(
                key.toString(), Files.readAllBytes(key), wrong.getBytes(StandardCharsets.UTF_8))).build(), listener).run();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errorMessage()).doesNotContain(wrong).doesNotContain(host.sshd.passphrase());
        assertThat(listener.lines).noneMatch(l -> l.contains(wrong));
        for (String line : Files.readAllLines(key)) {
            if (!line.startsWith("-----")) {
                assertThat(result.errorMessage()).doesNotContain(line);
            }
        }
        if (host.user.testsRunAsRoot()) {
            String password = "wrong-" + host.sshd.password();
            BackupResult byPassword = RealHostSupport.backup(host.request(cluster, host.dest())
                    .credentials(new SshCredentials.Password(password.getBytes(StandardCharsets.UTF_8))).build());
            assertThat(byPassword.exitCode()).isEqualTo(2);
            assertThat(byPassword.errorMessage()).doesNotContain(password);
        }
    }

    @Test
    @FaultCase(id = "secrets.host-files-private", area = AREA, phase = "copy, and after the end",
            injected = "a backup held mid-copy while the test inspects what the run keeps on the host",
            mustHold = {"the run directory, the lock directories are 0700 and owned by the acting user",
                    "every file in them (scripts, params, state, lock holder) is 0600",
                    "after the end: no run directory, no cluster lock, no /tmp/pgob-* of the user left"})
    void hostFilesArePrivateAndRemoved() throws Exception {
        Path dest = host.dest();
        List<Path> tmpBefore = userTmp();
        CompletableFuture<BackupResult> job = CompletableFuture.supplyAsync(
                () -> RealHostSupport.backup(host.request(cluster, dest).build()));
        long runner;
        try {
            runner = RunHold.freezeRunnerIn(dest, "copy", Duration.ofSeconds(90));
        } catch (AssertionError e) {
            BackupResult early = job.get(120, TimeUnit.SECONDS);
            throw new AssertionError(e.getMessage() + "; the backup ended: " + early.errorCode() + " "
                    + early.errorMessage(), e);
        }
        List<Path> private700 = new ArrayList<>();
        List<Path> private600 = new ArrayList<>();
        try {
            Path locks = host.user.home().resolve(".pg-offline-backup/locks");
            try (Stream<Path> runs = Files.list(dest)) {
                runs.filter(p -> p.getFileName().toString().endsWith(".run")).forEach(private700::add);
            }
            private700.add(locks);
            private700.add(locks.getParent());
            private700.add(RunHold.clusterLock(cluster));
            for (Path dir : List.copyOf(private700)) {
                if (dir.equals(locks) || dir.equals(locks.getParent())) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(Files::isRegularFile).forEach(private600::add);
                }
            }
            assertThat(private700).hasSizeGreaterThanOrEqualTo(4);
            for (Path dir : private700) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                        .as("mode of %s", dir).isEqualTo("rwx------");
                assertThat(Files.getOwner(dir).getName()).as("owner of %s", dir).isEqualTo(host.user.name());
            }
            assertThat(private600).extracting(p -> p.getFileName().toString()).contains("params", "state", "holder",
                    "runner.sh", "lib.sh", "critical.sh", "follow.sh");
            for (Path file : private600) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)))
                        .as("mode of %s", file).isEqualTo("rw-------");
            }
        } finally {
            io.pgofflinebackup.testing.Procs.signal(runner, "CONT");
        }
        BackupResult result = job.get(120, TimeUnit.SECONDS);
        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        assertThat(RealHostSupport.entries(dest)).containsExactly(result.backupId());
        assertThat(private700.stream().filter(p -> p.getFileName().toString().startsWith("cluster-")))
                .allMatch(p -> !Files.exists(p));
        // /tmp is shared with whatever else runs on this machine: a directory of another run goes away soon.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Path> left = new ArrayList<>(userTmp());
        left.removeAll(tmpBefore);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = new ArrayList<>(userTmp());
            left.removeAll(tmpBefore);
        }
        assertThat(left).as("temporary directories of the scripts left in /tmp").isEmpty();
    }

    private static List<Path> userTmp() throws Exception {
        try (Stream<Path> list = Files.list(Path.of("/tmp"))) {
            return list.filter(p -> p.getFileName().toString().matches("pgob-(verify|inspect)\\..*")).sorted().toList();
        }
    }
}
