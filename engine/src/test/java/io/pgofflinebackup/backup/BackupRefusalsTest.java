package io.pgofflinebackup.backup;

import io.pgofflinebackup.faults.FaultCase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.TestUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error and touches nothing: the postmaster keeps its PID and the
 * destination stays empty. One running cluster serves every case.
 */
class BackupRefusalsTest {
    private static RealHostSupport host;
    private static PgCluster cluster;
    private long postmasterPid;
    private Path dest;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void remember() {
        postmasterPid = cluster.postmasterPid();
        dest = host.dest();
    }

    @AfterEach
    void nothingTouched() {
        assertThat(cluster.postmasterPid()).as("postmaster pid").isEqualTo(postmasterPid);
        assertThat(RealHostSupport.entries(dest)).as("destination").isEmpty();
    }

    private BackupResult refused(BackupRequest.Builder request, ErrorCode expected) {
        BackupResult result = RealHostSupport.backup(request.build());
        assertThat(result.ok()).isFalse();
        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(expected);
        assertThat(result.exitCode()).isEqualTo(2);
        return result;
    }

    @Test
    void relativePgdata() {
        BackupResult result = refused(host.request(cluster, dest).pgdata("data"), ErrorCode.BAD_INPUT);
        assertThat(result.errorMessage()).contains("--pgdata must be an absolute path");
    }

    @Test
    @FaultCase(id = "hostile.line-break", area = "Hostile input", phase = "validate",
            injected = "--pgdata with a line break followed by rm -rf /",
            mustHold = {"BAD_INPUT, exit 2, before connecting", "the postmaster keeps its pid"})
    void pathWithALineBreak() {
        refused(host.request(cluster, dest).pgdata(cluster.pgdata() + "\nrm -rf /"), ErrorCode.BAD_INPUT);
    }

    @Test
    void destInsidePgdata() {
        BackupResult result = refused(host.request(cluster, dest).dest(cluster.pgdata() + "/backups"),
                ErrorCode.BAD_INPUT);
        assertThat(result.errorMessage()).contains("inside --pgdata");
    }

    @Test
    void destInsidePgdataThroughASymbolicLink() throws Exception {
        Path inside = cluster.pgdata().resolve("pg_offline_backup_test_dir");
        Path link = TestUser.newWorkDir("link").resolve("dest");
        host.user.runAs(List.of("mkdir", inside.toString()), Duration.ofSeconds(10)).orThrow();
        host.user.runAs(List.of("ln", "-s", inside.toString(), link.toString()), Duration.ofSeconds(10)).orThrow();
        try {
            BackupResult result = refused(host.request(cluster, dest).dest(link.toString()),
                    ErrorCode.DEST_INSIDE_PGDATA);
            assertThat(result.errorMessage()).contains("after resolving links");
        } finally {
            host.user.runAs(List.of("rmdir", inside.toString()), Duration.ofSeconds(10)).orThrow();
        }
    }

    @Test
    void pgdataThatDoesNotExist() {
        BackupResult result = refused(host.request(cluster, dest).pgdata("/nonexistent/pgdata"),
                ErrorCode.PGDATA_NOT_FOUND);
        assertThat(result.errorMessage()).contains("/nonexistent/pgdata", "does not exist");
    }

    @Test
    void directoryThatIsNotACluster() {
        Path empty = TestUser.newWorkDir("not-a-cluster");
        BackupResult result = refused(host.request(cluster, dest).pgdata(empty.toString()), ErrorCode.NOT_A_CLUSTER);
        assertThat(result.errorMessage()).contains("no PG_VERSION");
    }

    @Test
    @FaultCase(id = "hostile.paths-canary", area = "Hostile input", phase = "inspect",
            injected = "$(...), backticks, ;, &&, quotes and | in --pgdata, --pg-bin and --db-user, each writing a canary",
            mustHold = {"no canary appears", "PGDATA_NOT_FOUND / MISSING_BINARIES / SESSIONS_UNKNOWN, exit 2", "the postmaster keeps its pid, the destination stays empty"})
    void shellMetacharactersInPathsAreNeverExecuted() throws Exception {
        Path canaries = TestUser.newWorkDir("canaries");
        String hostile = "/tmp/x$(touch " + canaries + "/a)`touch " + canaries + "/b`;touch " + canaries
                + "/c && touch " + canaries + "/d 'q\" | touch " + canaries + "/e";
        refused(host.request(cluster, dest).pgdata(hostile), ErrorCode.PGDATA_NOT_FOUND);
        refused(host.request(cluster, dest).pgBin(hostile), ErrorCode.MISSING_BINARIES);
        refused(host.request(cluster, dest).dbUser("x'; touch " + canaries + "/f; '"), ErrorCode.SESSIONS_UNKNOWN);
        assertThat(RealHostSupport.entries(canaries)).isEmpty();
    }

    @Test
    void missingBinaries() {
        BackupResult result = refused(host.request(cluster, dest).pgBin("/nonexistent/bin"),
                ErrorCode.MISSING_BINARIES);
        assertThat(result.errorMessage()).contains("pg_ctl", "--pg-bin");
    }

    @Test
    void destinationThatDoesNotExist() {
        BackupResult result = refused(host.request(cluster, dest).dest(dest + "/missing"), ErrorCode.DEST_NOT_USABLE);
        assertThat(result.errorMessage()).contains("does not exist", "create it");
    }

    @Test
    @FaultCase(id = "backup.no-space-before", area = "Faults during backup and restore", phase = "inspect",
            injected = "a 4 MB tmpfs as destination",
            mustHold = {"NO_SPACE, exit 2, saying what is needed and free", "the postmaster keeps its pid", "nothing written"})
    void notEnoughSpace() throws Exception {
        assumeTrue(host.user.testsRunAsRoot(), "mounting a small file system needs root");
        Path small = TestUser.newWorkDir("small-fs");
        ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700,uid=" + host.user.uid(),
                "tmpfs", small.toString()), Duration.ofSeconds(10)).orThrow();
        try {
            BackupResult result = refused(host.request(cluster, dest).dest(small.toString()), ErrorCode.NO_SPACE);
            assertThat(result.errorMessage()).contains("not enough space", "needs", "free");
            assertThat(RealHostSupport.entries(small)).isEmpty();
        } finally {
            ProcessRunner.run(List.of("umount", small.toString()), Duration.ofSeconds(10)).orThrow();
        }
    }

    @Test
    void clusterOwnedBySomeoneElse() throws Exception {
        assumeTrue(host.user.testsRunAsRoot(), "a directory of another owner needs root");
        Path foreign = Files.createDirectories(TestUser.newWorkDir("foreign").resolve("data"));
        Files.writeString(foreign.resolve("PG_VERSION"), "15\n");
        ProcessRunner.run(List.of("chown", "-R", "root:root", foreign.toString()), Duration.ofSeconds(10)).orThrow();
        ProcessRunner.run(List.of("chmod", "700", foreign.toString()), Duration.ofSeconds(10)).orThrow();
        BackupResult result = refused(host.request(cluster, dest).pgdata(foreign.toString()),
                ErrorCode.OWNER_MISMATCH);
        assertThat(result.errorMessage()).contains("belongs to 'root'", "connect as 'root'");
    }

    @Test
    void wrongKey() throws Exception {
        Path keyDir = TestUser.newWorkDir("wrong-key");
        Path key = keyDir.resolve("id_ed25519");
        ProcessRunner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()),
                Duration.ofSeconds(30)).orThrow();
        BackupResult result = refused(host.request(cluster, dest).credentials(SshCredentials.keyFile(key, null)),
                ErrorCode.AUTHENTICATION_FAILED);
        assertThat(result.errorMessage()).contains("did not accept the private key");
    }

    @Test
    void encryptedKeyWithoutItsPassphrase() throws Exception {
        refused(host.request(cluster, dest).credentials(SshCredentials.keyFile(host.sshd.clientKeyWithPassphrase(),
                null)), ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    @FaultCase(id = "secrets.wrong-password", area = "Secrets", phase = "connect",
            injected = "a wrong password",
            mustHold = {"AUTHENTICATION_FAILED, exit 2", "the message does not contain the password"})
    void wrongPassword() {
        assumeTrue(host.user.testsRunAsRoot(), "password login needs a root sshd");
        BackupResult result = refused(host.request(cluster, dest)
                .credentials(new SshCredentials.Password("not-the-password".getBytes(StandardCharsets.UTF_8))),
                ErrorCode.AUTHENTICATION_FAILED);
        assertThat(result.errorMessage()).contains("did not accept the password").doesNotContain("not-the-password");
    }

    @Test
    void refusedConnection() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        BackupResult result = refused(host.request(cluster, dest).target(
                new io.pgofflinebackup.ssh.SshTarget("127.0.0.1", closedPort, host.user.name())),
                ErrorCode.CONNECTION_FAILED);
        assertThat(result.errorMessage()).contains("cannot connect", "Connection refused");
    }
}
