package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server that offers only weak algorithms is refused before anything is sent to it. */
class WeakServerTest {
    private static RealHostSupport host;
    private static PgCluster cluster;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"KexAlgorithms diffie-hellman-group1-sha1", "Ciphers 3des-cbc",
            "HostKeyAlgorithms ssh-rsa", "MACs hmac-md5"})
    @FaultCase(id = "hostile.weak-server", area = "Hostile input", phase = "connect",
            injected = "an sshd that offers only the named weak algorithm",
            mustHold = {"CONNECTION_FAILED, exit 2, the message says no acceptable algorithm is offered",
                    "the postmaster keeps its pid", "the destination stays empty"})
    void weakAlgorithmsOnlyAreRefused(String config) {
        try (SshServer weak = SshServer.start(host.user, "127.0.0.1", List.of(config))) {
            long pid = cluster.postmasterPid();
            Path dest = host.dest();
            BackupResult result = RealHostSupport.backup(host.request(cluster, dest)
                    .target(new SshTarget(weak.host(), weak.port(), host.user.name()))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(weak.knownHostsFile())).build());

            assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.CONNECTION_FAILED);
            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.errorMessage()).contains("offers no algorithm we accept", "nothing was done");
            assertThat(cluster.postmasterPid()).isEqualTo(pid);
            assertThat(RealHostSupport.entries(dest)).isEmpty();
        }
    }
}
