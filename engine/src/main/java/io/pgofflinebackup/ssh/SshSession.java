package io.pgofflinebackup.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.pgofflinebackup.JobFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One SSH connection, used for short commands. A dropped connection surfaces as an
 * {@link IOException}; {@link #reconnect()} opens a new one to the same target.
 */
public final class SshSession implements AutoCloseable {
    /**
     * Where {@link #exec} and {@link #download} talk to JSch. JSch swallows an interrupt in places: it
     * waits for a channel to open, and for the reply to a request, in loops that catch
     * InterruptedException and go on. An interrupt of the caller that landed there was lost, and with
     * it the abort it meant (RunnerMonitor takes an interrupt of the thread following a run for an
     * abort request, as it does abort()): the job reconnected, or simply went on. The caller now waits
     * for a worker, where an interrupt always counts.
     */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread worker = new Thread(task, "pg-offline-backup-ssh-command");
        worker.setDaemon(true);
        return worker;
    });

    private final SshConnector connector;
    private Session session;
    private volatile String actingAs;

    SshSession(SshConnector connector, Session session) {
        this.connector = connector;
        this.session = session;
    }

    public SshTarget target() {
        return connector.target();
    }

    public synchronized boolean isConnected() {
        return session != null && session.isConnected();
    }

    /** Replaces a dropped connection. */
    public synchronized void reconnect() throws JobFailure {
        close();
        session = connector.open();
    }

    /**
     * From now on every command runs as {@code user} through {@code sudo -n -u USER /bin/sh -c},
     * never with a password prompt (so one sudoers rule, for /bin/sh as that user, covers all of
     * them); it starts in / so that the user needs no access to the login user's home. Survives
     * {@link #reconnect()}.
     */
    public void actAs(String user) {
        actingAs = user;
    }

    /** The user commands run as through sudo, or null when they run as the login user. */
    public String actingAs() {
        return actingAs;
    }

    private String wrap(String commandLine) {
        String user = actingAs;
        if (user == null) {
            return commandLine;
        }
        return "cd / && exec sudo -n -u " + ShellQuote.quote(user) + " -- /bin/sh -c " + ShellQuote.quote(commandLine);
    }

    /** Runs a command whose words are quoted one by one. */
    public ExecResult run(List<String> argv, Duration timeout) throws IOException {
        return exec(ShellQuote.command(argv), null, timeout);
    }

    /**
     * Runs a command line in the remote user's shell. Every value in it must already be quoted
     * with {@link ShellQuote}; stdin, when given, is written and then closed.
     */
    public ExecResult exec(String commandLine, byte[] stdin, Duration timeout) throws IOException {
        return onWorker(() -> execHere(commandLine, stdin, timeout), "waiting for a command on " + target().display());
    }

    /**
     * Runs {@code work} on a worker thread and waits for it. Interrupted, the caller gets an
     * IOException at once, with its interrupt flag set; the worker is left to finish its command
     * (within its timeout) and close the channel: interrupted inside JSch's wait for the channel to
     * open, it would drop a channel the server opens a moment later and never closes, and after ten
     * of those (sshd's MaxSessions) the connection takes no more commands. The caller's interrupt
     * flag set beforehand stops it before any command is sent.
     */
    private <T> T onWorker(Callable<T> work, String what) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new IOException("interrupted before " + what);
        }
        Future<T> running = WORKERS.submit(work);
        try {
            return running.get();
        } catch (InterruptedException e) {
            running.cancel(false);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(what + " failed: " + cause, cause);
        }
    }

    private ExecResult execHere(String commandLine, byte[] stdin, Duration timeout) throws IOException {
        ChannelExec channel = openExecChannel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            channel.setCommand(wrap(commandLine));
            channel.setErrStream(err, true);
            InputStream out = channel.getInputStream();
            OutputStream in = channel.getOutputStream();
            channel.connect((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            if (stdin != null) {
                in.write(stdin);
            }
            in.close();
            byte[] stdout = readAll(out, channel, System.nanoTime() + timeout.toNanos());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!channel.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            return new ExecResult(channel.getExitStatus(), stdout, err.toString(StandardCharsets.UTF_8));
        } catch (JSchException e) {
            throw new IOException("SSH command failed on " + target().display() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a command on " + target().display(), e);
        } finally {
            channel.disconnect();
        }
    }

    /**
     * Streams a remote file into {@code sink}, as it arrives (never whole in memory); returns the
     * bytes copied. Fails if the file cannot be read or grows beyond {@code maxBytes}.
     */
    public long download(String remotePath, OutputStream sink, long maxBytes, Duration timeout) throws IOException {
        return onWorker(() -> downloadHere(remotePath, sink, maxBytes, timeout), "reading " + remotePath);
    }

    private long downloadHere(String remotePath, OutputStream sink, long maxBytes, Duration timeout) throws IOException {
        ChannelExec channel = openExecChannel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            channel.setCommand(wrap("cat -- " + ShellQuote.quote(remotePath)));
            channel.setErrStream(err, true);
            InputStream in = channel.getInputStream();
            channel.connect((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            long copied = 0;
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                copied += n;
                if (copied > maxBytes) {
                    throw new IOException(remotePath + " on " + target().display() + " is larger than "
                            + maxBytes + " bytes");
                }
                sink.write(chunk, 0, n);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!channel.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (channel.getExitStatus() != 0) {
                throw new IOException("cannot read " + remotePath + " on " + target().display() + ": "
                        + err.toString(StandardCharsets.UTF_8).strip());
            }
            return copied;
        } catch (JSchException e) {
            throw new IOException("SSH command failed on " + target().display() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + remotePath, e);
        } finally {
            channel.disconnect();
        }
    }

    /** Consumes a command's standard output as it arrives. */
    @FunctionalInterface
    public interface OutputReader {
        void read(InputStream stdout) throws IOException;
    }

    /** Produces a command's standard input; the stream is closed (EOF) after it returns. */
    @FunctionalInterface
    public interface InputWriter {
        void write(OutputStream stdin) throws IOException;
    }

    /**
     * Runs a command whose standard output may be large (a tar stream): {@code reader} gets it as
     * it arrives and nothing is buffered whole. If the reader fails, the channel is closed, which
     * ends the remote command. Returns the exit status and standard error once it ends.
     */
    public ExecResult execReading(String commandLine, OutputReader reader, Duration connectTimeout) throws IOException {
        return stream(commandLine, null, reader, connectTimeout);
    }

    /** As {@link #execReading}, for a command that reads a large standard input written by {@code writer}. */
    public ExecResult execWriting(String commandLine, InputWriter writer, Duration connectTimeout) throws IOException {
        return stream(commandLine, writer, null, connectTimeout);
    }

    /**
     * Runs a command that stays alive as long as its standard input is open: closing the returned
     * handle (or this connection going away, with the process that holds it) ends it.
     */
    public AutoCloseable execHolding(String commandLine, Duration connectTimeout) throws IOException {
        ChannelExec channel = openExecChannel();
        try {
            channel.setCommand(wrap(commandLine));
            channel.setErrStream(OutputStream.nullOutputStream(), true);
            OutputStream stdin = channel.getOutputStream();
            channel.connect((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            return () -> {
                try {
                    stdin.close();
                } finally {
                    channel.disconnect();
                }
            };
        } catch (JSchException e) {
            channel.disconnect();
            throw new IOException("SSH command failed on " + target().display() + ": " + e.getMessage(), e);
        }
    }

    private ExecResult stream(String commandLine, InputWriter writer, OutputReader reader, Duration connectTimeout)
            throws IOException {
        ChannelExec channel = openExecChannel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            channel.setCommand(wrap(commandLine));
            channel.setErrStream(err, true);
            InputStream out = channel.getInputStream();
            OutputStream in = channel.getOutputStream();
            channel.connect((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            if (writer != null) {
                writer.write(in);
            }
            in.close();
            if (reader != null) {
                reader.read(out);
            }
            // Drain what the reader left (the end-of-archive padding) so the command can end.
            byte[] rest = new byte[8192];
            while (out.read(rest) >= 0) {
                // nothing: only the end of the stream matters
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!channel.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (!channel.isClosed()) {
                throw new IOException("a command on " + target().display() + " did not end after its output");
            }
            return new ExecResult(channel.getExitStatus(), new byte[0], err.toString(StandardCharsets.UTF_8));
        } catch (JSchException e) {
            throw new IOException("SSH command failed on " + target().display() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming through " + target().display(), e);
        } finally {
            channel.disconnect();
        }
    }

    private synchronized ChannelExec openExecChannel() throws IOException {
        if (session == null || !session.isConnected()) {
            throw new IOException("the SSH connection to " + target().display() + " is closed");
        }
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new IOException("cannot open an SSH channel to " + target().display() + ": " + e.getMessage(), e);
        }
        // JSch answers null instead of throwing when the session is going down under it.
        if (channel == null) {
            throw new IOException("cannot open an SSH channel to " + target().display()
                    + ": the connection is going down");
        }
        return channel;
    }

    private byte[] readAll(InputStream out, ChannelExec channel, long deadline) throws IOException,
            InterruptedException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        while (true) {
            while (out.available() > 0) {
                int n = out.read(chunk);
                if (n < 0) {
                    return buffer.toByteArray();
                }
                buffer.write(chunk, 0, n);
            }
            if (channel.isClosed()) {
                if (out.available() > 0) {
                    continue;
                }
                return buffer.toByteArray();
            }
            if (!session.isConnected()) {
                throw new IOException("the SSH connection to " + target().display() + " was lost");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("a command on " + target().display() + " did not finish in time");
            }
            Thread.sleep(2);
        }
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.disconnect();
            session = null;
        }
    }
}
