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
    /** What the interrupted thread does; returns how it ended, or throws if it was cut short. */
    @FunctionalInterface
    private interface Work {
        String run() throws Exception;
    }

    @Test
    void anInterruptAnywhereInACommandIsKept() throws Exception {
        TestUser user = TestUser.get();
        try (SshServer sshd = SshServer.start(user); SshSession ssh = connector(sshd, user).connect()) {
            Random random = new Random(20261126);
            for (int i = 0; i < 150; i++) {
                // Anywhere from before the channel opens to after the command ended.
                String seen = interruptedAfter(random.nextInt(40_000_000), () -> {
                    ssh.exec("sleep 0.01", null, Duration.ofSeconds(30));
                    return "ended, interrupt pending";
                });
                assertThat(seen).as("interrupt %d", i).isIn("ended, interrupt pending", "cut short");
            }
            // The connection is still good for the next command.
            assertThat(ssh.exec("echo still here", null, Duration.ofSeconds(30)).stdout()).isEqualTo("still here\n");
        }
    }

    /** The same for an interrupt while the connection is made (a job's first connect, a reconnect). */
    @Test
    void anInterruptWhileConnectingIsKept() throws Exception {
        TestUser user = TestUser.get();
        try (SshServer sshd = SshServer.start(user)) {
            SshConnector connector = connector(sshd, user);
            Random random = new Random(1126);
            for (int i = 0; i < 40; i++) {
                String seen = interruptedAfter(random.nextInt(150_000_000), () -> {
                    try (SshSession ssh = connector.connect()) {
                        return "connected, interrupt pending";
                    }
                });
                assertThat(seen).as("interrupt %d", i).isEqualTo("connected, interrupt pending");
            }
        }
    }

    private static SshConnector connector(SshServer sshd, TestUser user) throws IOException {
        return new SshConnector(new SshTarget(sshd.host(), sshd.port(), user.name()),
                SshCredentials.keyFile(sshd.clientKey(), null), new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()),
                Duration.ofSeconds(30), warning -> { });
    }

    /**
     * Runs {@code work} in a thread of its own, interrupts that thread after {@code nanos}, and says how
     * the work ended ("cut short" when it threw an IOException or a JobFailure), or "lost (...)" when the
     * interrupt flag was no longer set once the interrupt had been sent.
     */
    private static String interruptedAfter(long nanos, Work work) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>("not ended");
        AtomicBoolean sent = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            String ended;
            try {
                ended = work.run();
            } catch (IOException | JobFailure e) {
                ended = "cut short";
            } catch (Exception e) {
                ended = "failed: " + e;
            }
            // Looked at once the interrupt was sent, so one that came after the work ended counts.
            while (!sent.get()) {
                Thread.onSpinWait();
            }
            seen.set(Thread.currentThread().isInterrupted() ? ended : "lost (" + ended + ")");
        }, "interrupted-caller");
        caller.start();
        LockSupport.parkNanos(nanos);
        caller.interrupt();
        sent.set(true);
        caller.join(60_000);
        return seen.get();
    }
}
