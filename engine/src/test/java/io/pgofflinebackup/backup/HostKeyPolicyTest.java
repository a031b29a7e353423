package io.pgofflinebackup.backup;

import io.pgofflinebackup.faults.FaultCase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every host key policy against a real sshd: a mismatch is a hard error before anything else. */
class HostKeyPolicyTest {
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static Path otherHostKeyLine;

    @BeforeAll
    static void start() throws Exception {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dir = TestUser.newWorkDir("other-host-key");
        ProcessRunner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("key").toString()),
                Duration.ofSeconds(30)).orThrow();
        String pub = Files.readString(dir.resolve("key.pub")).strip();
        String[] words = pub.split(" ");
        otherHostKeyLine = dir.resolve("known_hosts");
        Files.writeString(otherHostKeyLine, "[" + host.sshd.host() + "]:" + host.sshd.port() + " " + words[0] + " "
                + words[1] + "\n");
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private BackupPlan plan(HostKeyPolicy policy, RealHostSupport.RecordingListener listener) throws JobFailure {
        return new BackupJob(host.request(cluster, host.dest()).hostKeyPolicy(policy).build(), listener).plan();
    }

    private JobFailure refused(HostKeyPolicy policy) {
        try {
            plan(policy, new RealHostSupport.RecordingListener());
        } catch (JobFailure e) {
            return e;
        }
        throw new AssertionError("the connection was accepted with " + policy);
    }

    @Test
    void knownHostsFileWithTheRightKey() throws Exception {
        assertThat(plan(new HostKeyPolicy.KnownHostsFile(host.sshd.knownHostsFile()),
                new RealHostSupport.RecordingListener()).ok()).isTrue();
    }

    @Test
    @FaultCase(id = "hostile.host-key-mismatch", area = "Hostile input", phase = "connect",
            injected = "a known_hosts file with another key for the host",
            mustHold = {"HOST_KEY_MISMATCH, exit 2, showing the presented fingerprint", "nothing sent to the host"})
    void knownHostsFileWithAnotherKeyForTheHostIsAMismatch() {
        JobFailure failure = refused(new HostKeyPolicy.KnownHostsFile(otherHostKeyLine));
        assertThat(failure.code()).isEqualTo(ErrorCode.HOST_KEY_MISMATCH);
        assertThat(failure.exitCode()).isEqualTo(2);
        assertThat(failure.getMessage()).contains("HOST KEY MISMATCH", "SHA256:");
    }

    @Test
    @FaultCase(id = "hostile.unknown-host", area = "Hostile input", phase = "connect",
            injected = "an empty known_hosts file (unknown host, no policy to accept it)",
            mustHold = {"HOST_KEY_UNKNOWN, showing the fingerprint to verify"})
    void hostMissingFromKnownHostsIsRefused() throws Exception {
        Path empty = TestUser.newWorkDir("empty-known-hosts").resolve("known_hosts");
        Files.writeString(empty, "");
        JobFailure failure = refused(new HostKeyPolicy.KnownHostsFile(empty));
        assertThat(failure.code()).isEqualTo(ErrorCode.HOST_KEY_UNKNOWN);
        assertThat(failure.getMessage()).contains(host.sshd.hostKeyFingerprint());
    }

    @Test
    @FaultCase(id = "hostile.no-known-hosts", area = "Hostile input", phase = "connect",
            injected = "a known_hosts file that does not exist",
            mustHold = {"HOST_KEY_UNKNOWN before connecting, with how to get the key"})
    void missingKnownHostsFileIsRefusedBeforeConnecting() {
        JobFailure failure = refused(new HostKeyPolicy.KnownHostsFile(Path.of("/nonexistent/known_hosts")));
        assertThat(failure.code()).isEqualTo(ErrorCode.HOST_KEY_UNKNOWN);
        assertThat(failure.getMessage()).contains("does not exist", "ssh-keyscan");
    }

    @Test
    void pinnedFingerprint() throws Exception {
        assertThat(plan(new HostKeyPolicy.PinnedFingerprint(host.sshd.hostKeyFingerprint()),
                new RealHostSupport.RecordingListener()).ok()).isTrue();
        JobFailure failure = refused(new HostKeyPolicy.PinnedFingerprint(
                "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertThat(failure.code()).isEqualTo(ErrorCode.HOST_KEY_MISMATCH);
    }

    @Test
    void acceptNewStoresTheKeyOnceAndThenHoldsItToIt() throws Exception {
        Path file = TestUser.newWorkDir("tofu").resolve("ssh/known_hosts");
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        assertThat(plan(new HostKeyPolicy.AcceptNew(file), listener).ok()).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("first connection") && w.contains("trusted"));
        assertThat(Files.readString(file)).contains("[" + host.sshd.host() + "]:" + host.sshd.port() + " ssh-");

        RealHostSupport.RecordingListener second = new RealHostSupport.RecordingListener();
        assertThat(plan(new HostKeyPolicy.AcceptNew(file), second).ok()).isTrue();
        assertThat(second.warnings).noneMatch(w -> w.contains("first connection"));

        Files.copy(otherHostKeyLine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(refused(new HostKeyPolicy.AcceptNew(file)).code()).isEqualTo(ErrorCode.HOST_KEY_MISMATCH);
    }

    @Test
    void acceptAnyWorksButSaysItIsUnsafe() throws Exception {
        RealHostSupport.RecordingListener listener = new RealHostSupport.RecordingListener();
        assertThat(plan(new HostKeyPolicy.InsecureAcceptAny(), listener).ok()).isTrue();
        assertThat(listener.warnings).anyMatch(w -> w.contains("host key NOT verified"));
    }

    @Test
    void fingerprintMustLookLikeOne() {
        assertThatThrownBy(() -> new HostKeyPolicy.PinnedFingerprint("MD5:aa:bb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA256:");
    }
}
