package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.verify.BackupVerifier;
import io.pgofflinebackup.verify.VerifyJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The engine's job-shaped verification, as the plugin uses it: failures come back as a result,
 * never as an exception. Only 127.0.0.1 is contacted, on a port nothing listens on.
 */
class VerifyJobTest {
    private static final SshCredentials KEY = new SshCredentials.Password("x".getBytes(StandardCharsets.UTF_8));

    private static ConnectionSettings settings(int port) {
        return new Connection("127.0.0.1", port, "id", Duration.ofSeconds(5), null)
                .settings("postgres", KEY, new HostKeyPolicy.InsecureAcceptAny());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRelativePathIsRefusedWithoutConnecting() {
        VerifyJob.Result result = new VerifyJob(settings(1), ProgressListener.NONE)
                .verify("backup/db1", BackupVerifier.Mode.CHECKSUMS, null);

        assertEquals(ErrorCode.BAD_INPUT, result.errorCode());
        assertNull(result.report());
        assertEquals(2, result.exitCode());
        assertFalse(result.valid());
    }

    @Test
    void aHostThatCannotBeReachedIsAResultNotAnException() throws IOException {
        VerifyJob.Result result = new VerifyJob(settings(closedPort()), ProgressListener.NONE)
                .verify("/backup/db1/x", BackupVerifier.Mode.SIZES, null);

        assertNull(result.report());
        assertEquals(2, result.exitCode());
        assertTrue(result.errorMessage() != null && !result.errorMessage().isEmpty());
    }

    @Test
    void anAbortBeforeTheConnectionEndsItAsAborted() throws IOException {
        VerifyJob job = new VerifyJob(settings(closedPort()), ProgressListener.NONE);
        job.abort();
        VerifyJob.Result result = job.verify("/backup/db1/x", BackupVerifier.Mode.SIZES, null);
        assertEquals(ErrorCode.ABORTED, result.errorCode());
    }
}
