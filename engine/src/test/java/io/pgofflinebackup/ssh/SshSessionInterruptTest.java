package io.pgofflinebackup.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An interrupt of a thread inside {@link SshSession#exec} is never lost: the command ends with an
 * IOException and the flag set, or it had ended and the flag is still set. JSch waits for a channel
 * to open and for a request's reply in loops that swallow InterruptedException; an interrupt of the
 * thread following a run (which the run takes for an abort request) that landed there used to
 * vanish, and the job went on or reconnected instead of aborting.
 */
class SshSessionInterruptTest {
    @Test
    void anInterruptAnywhereInACommandIsKept() throws Exception {
        TestUser user = TestUser.get();
        try (SshServer sshd = SshServer.start(user)) {
            SshConnector connector = new SshConnector(new SshTarget(sshd.host(), sshd.port(), user.name()),
                    SshCredentials.keyFile(sshd.clientKey(), null), new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()),
                    Duration.ofSeconds(30), warning -> { });
            try (SshSession ssh = connector.connect()) {
                Random random = new Random(20261126);
                for (int i = 0; i < 150; i++) {
                    AtomicReference<String> seen = new AtomicReference<>("not ended");
                    AtomicBoolean sent = new AtomicBoolean();
                    Thread caller = new Thread(() -> {
                        String ended;
                        try {
                            ssh.exec("sleep 0.01", null, Duration.ofSeconds(30));
                            ended = "ended, interrupt pending";
                        } catch (IOException e) {
                            ended = "interrupted";
                        }
                        // Looked at once the interrupt was sent, so one that came after the command ended counts.
                        while (!sent.get()) {
                            Thread.onSpinWait();
                        }
                        seen.set(Thread.currentThread().isInterrupted() ? ended : "lost (" + ended + ")");
                    }, "interrupted-caller-" + i);
                    caller.start();
                    // Anywhere from before the channel opens to after the command ended.
                    LockSupport.parkNanos(random.nextInt(40_000_000));
                    caller.interrupt();
                    sent.set(true);
                    caller.join(30_000);
                    assertThat(seen.get()).as("interrupt %d", i).isIn("ended, interrupt pending", "interrupted");
                }
                // The connection is still good for the next command.
                assertThat(ssh.exec("echo still here", null, Duration.ofSeconds(30)).stdout()).isEqualTo("still here\n");
            }
        }
    }

    /** The same for an interrupt while the connection is made (a job's first connect, a reconnect). */
    @Test
    void anInterruptWhileConnectingIsKept() throws Exception {
        TestUser user = TestUser.get();
        try (SshServer sshd = SshServer.start(user)) {
            SshConnector connector = new SshConnector(new SshTarget(sshd.host(), sshd.port(), user.name()),
                    SshCredentials.keyFile(sshd.clientKey(), null), new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()),
                    Duration.ofSeconds(30), warning -> { });
            Random random = new Random(1126);
            for (int i = 0; i < 40; i++) {
                AtomicReference<String> seen = new AtomicReference<>("not ended");
                AtomicBoolean sent = new AtomicBoolean();
                Thread caller = new Thread(() -> {
                    String ended;
                    try (SshSession ssh = connector.connect()) {
                        ended = "connected, interrupt pending";
                    } catch (JobFailure e) {
                        ended = "failed: " + e.getMessage();
                    }
                    while (!sent.get()) {
                        Thread.onSpinWait();
                    }
                    seen.set(Thread.currentThread().isInterrupted() ? ended : "lost (" + ended + ")");
                }, "interrupted-connect-" + i);
                caller.start();
                LockSupport.parkNanos(random.nextInt(150_000_000));
                caller.interrupt();
                sent.set(true);
                caller.join(60_000);
                assertThat(seen.get()).as("interrupt %d", i).isEqualTo("connected, interrupt pending");
            }
        }
    }
}
