package io.pgofflinebackup.pull;

import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Bytes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The client's side of a {@code --pull-to} backup: while the runner on the database host waits in
 * its copy phase, pulls each area it offers (pull.sh AREA) as a tar stream into
 * {@code localPartial/<area>}, written as it arrives by {@link TarExtractor}, then hands the runner
 * a listing of what is now on this disk and the SHA-256 of every file, and says it is done. The
 * runner compares that listing with the still source before it starts PostgreSQL again.
 *
 * <p>A holder process (pull.sh hold) lives on this connection from the first pull to the end: if
 * this process dies or its connection is lost, the holder ends and the runner gives up the pull and
 * starts PostgreSQL again by itself.
 */
public final class PullReceiver implements Runnable {
    private static final Pattern AREA = Pattern.compile("data|wal|config|tablespaces/[0-9]+");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final SshSession ssh;
    private final String runDir;
    private final Path localPartial;
    private final Consumer<String> info;
    private volatile boolean stopped;
    private volatile IOException failure;
    private volatile boolean done;

    public PullReceiver(SshSession ssh, String runDir, Path localPartial, Consumer<String> info) {
        this.ssh = ssh;
        this.runDir = runDir;
        this.localPartial = localPartial;
        this.info = info;
    }

    /** Tells a receiver still waiting for the runner to give up (the runner ended without a pull). */
    public void stop() {
        stopped = true;
    }

    /** Whether the pull completed and the runner was told so. */
    public boolean done() {
        return done;
    }

    /** What ended the pull, or null. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void run() {
        AutoCloseable holder = null;
        try {
            List<String[]> areas = awaitOffer();
            if (areas == null) {
                return;
            }
            holder = ssh.execHolding("sh " + ShellQuote.quote(runDir + "/pull.sh") + " " + ShellQuote.quote(runDir)
                    + " hold", COMMAND_TIMEOUT);
            // In the partial directory, not in the temporary directory: if this process dies they stay
            // with what was pulled, which is never taken for a backup, instead of piling up on the agent.
            Path sums = Files.createTempFile(localPartial, ".pulled", ".sha256");
            Path listing = Files.createTempFile(localPartial, ".pulled", ".list");
            try {
                try (BufferedWriter out = Files.newBufferedWriter(sums, StandardCharsets.UTF_8)) {
                    for (String[] area : areas) {
                        pullArea(area[0], out);
                    }
                }
                writeListing(areas, listing);
                upload(sums, runDir + "/pulled.sha256");
                upload(listing, runDir + "/pulled.list");
                ExecResult told = ssh.exec(": > " + ShellQuote.quote(runDir + "/pull.done") + andSignal(), null,
                        COMMAND_TIMEOUT);
                if (!told.ok()) {
                    throw new IOException("cannot tell the runner the pull is complete: " + told.firstErrorLine());
                }
                done = true;
            } finally {
                Files.deleteIfExists(sums);
                Files.deleteIfExists(listing);
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            tellFailed(failure.getMessage());
        } finally {
            if (holder != null) {
                try {
                    holder.close();
                } catch (Exception e) {
                    // The holder ends with the connection anyway; the runner decides by pull.done.
                }
            }
        }
    }

    /** Waits until the runner offers its areas (it is in its copy phase); null if told to stop first. */
    private List<String[]> awaitOffer() throws IOException {
        String offer = runDir + "/pull.areas";
        while (!stopped) {
            ExecResult result = ssh.exec("cat " + ShellQuote.quote(offer) + " 2>/dev/null", null, COMMAND_TIMEOUT);
            if (result.ok()) {
                List<String[]> areas = new ArrayList<>();
                for (String line : result.stdout().split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    String[] fields = line.split("\t", 3);
                    if (fields.length != 3 || !AREA.matcher(fields[0]).matches()) {
                        throw new IOException("the runner offers an area this client does not know: " + line);
                    }
                    areas.add(fields);
                }
                return areas;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void pullArea(String area, BufferedWriter sums) throws IOException {
        Path target = localPartial.resolve(area);
        Files.createDirectories(target);
        info.accept("pulling " + area + " into " + target);
        TarExtractor extractor = new TarExtractor(target);
        TarExtractor.Summary[] summary = new TarExtractor.Summary[1];
        ExecResult result = ssh.execReading("sh " + ShellQuote.quote(runDir + "/pull.sh") + " " + ShellQuote.quote(runDir)
                + " " + ShellQuote.quote(area), (InputStream tar) -> summary[0] = extractor.extract(tar,
                        (path, size, sha) -> {
                            sums.write(area + "/" + path + "\t" + sha + "\n");
                        }), COMMAND_TIMEOUT);
        if (!result.ok()) {
            throw new IOException("pulling " + area + " failed on the database host (status " + result.exitStatus()
                    + "): " + result.firstErrorLine());
        }
        info.accept("pulled " + area + ": " + summary[0].files() + " files, " + Bytes.human(summary[0].bytes()));
    }

    /** What is on this disk now, as the runner's listing prints it: "type<TAB>size<TAB>area/path<TAB>target". */
    private void writeListing(List<String[]> areas, Path listing) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(listing, StandardCharsets.UTF_8)) {
            for (String[] area : areas) {
                Path root = localPartial.resolve(area[0]);
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path path : (Iterable<Path>) walk::iterator) {
                        if (path.equals(root)) {
                            continue;
                        }
                        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        String type;
                        long size = attributes.size();
                        String target = "";
                        if (attributes.isDirectory()) {
                            type = "d";
                            size = 0;
                        } else if (attributes.isSymbolicLink()) {
                            type = "l";
                            target = Files.readSymbolicLink(path).toString();
                        } else if (attributes.isRegularFile()) {
                            type = "f";
                        } else {
                            type = "?";
                        }
                        out.write(type + "\t" + size + "\t" + area[0] + "/" + root.relativize(path) + "\t" + target + "\n");
                    }
                }
            }
        }
    }

    private void upload(Path local, String remote) throws IOException {
        ExecResult result = ssh.execWriting("umask 077 && cat > " + ShellQuote.quote(remote + ".tmp") + " && mv -f "
                + ShellQuote.quote(remote + ".tmp") + " " + ShellQuote.quote(remote), out -> Files.copy(local, out),
                COMMAND_TIMEOUT);
        if (!result.ok()) {
            throw new IOException("cannot send " + remote + " to the runner: " + result.firstErrorLine());
        }
    }

    /**
     * What follows the making of pull.done or pull.failed: a line in pull.signal, which wakes the
     * runner's wait at once (a full copy's PostgreSQL is down until it goes on). Without the line
     * the runner still sees the file within half a second, so failing to add it fails nothing.
     */
    private String andSignal() {
        return " && { echo >> " + ShellQuote.quote(runDir + "/pull.signal") + " || :; }";
    }

    private void tellFailed(String message) {
        try {
            ssh.exec("umask 077 && cat > " + ShellQuote.quote(runDir + "/pull.failed") + andSignal(),
                    String.valueOf(message).getBytes(StandardCharsets.UTF_8), COMMAND_TIMEOUT);
        } catch (IOException e) {
            // Lost with the connection: the holder ends with it, and the runner gives up by itself.
        }
    }
}
