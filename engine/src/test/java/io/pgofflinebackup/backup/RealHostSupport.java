package io.pgofflinebackup.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.ssh.SshTarget;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import io.pgofflinebackup.verify.BackupVerifier;
import io.pgofflinebackup.verify.VerifyReport;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;

/** A real sshd and real clusters for backup tests, and the request that points at them. */
public final class RealHostSupport {
    public final TestUser user = TestUser.get();
    public final SshServer sshd = SshServer.start(user);
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    public PgCluster cluster() {
        return cluster(PgCluster.Options.defaults());
    }

    public PgCluster cluster(PgCluster.Options options) {
        PgCluster cluster = PgCluster.create(user, options);
        toClose.add(cluster);
        return cluster;
    }

    public <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** An empty directory owned by the cluster user, for backups. */
    public Path dest() {
        Path dir = TestUser.newWorkDir("dest");
        user.chownToUser(dir);
        return dir;
    }

    public BackupRequest.Builder request(PgCluster cluster, Path dest) {
        try {
            return BackupRequest.builder()
                    .target(new SshTarget(sshd.host(), sshd.port(), user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .pgdata(cluster.pgdata().toString())
                    .dest(dest.toString())
                    .stopTimeout(Duration.ofSeconds(30))
                    .startTimeout(Duration.ofSeconds(30))
                    .reconnectTimeout(Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A restore of a backup onto a cluster's data directory, confirmed. */
    public RestoreRequest.Builder restoreRequest(PgCluster cluster, String backup) {
        try {
            return RestoreRequest.builder()
                    .target(new SshTarget(sshd.host(), sshd.port(), user.name()))
                    .credentials(SshCredentials.keyFile(sshd.clientKey(), null))
                    .hostKeyPolicy(new HostKeyPolicy.KnownHostsFile(sshd.knownHostsFile()))
                    .backup(backup)
                    .pgdata(cluster.pgdata().toString())
                    .confirm(cluster.pgdata().toString())
                    .stopTimeout(Duration.ofSeconds(30))
                    .startTimeout(Duration.ofSeconds(30))
                    .reconnectTimeout(Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RestoreResult restore(RestoreRequest request) {
        return new RestoreJob(request, new RecordingListener()).run();
    }

    public static BackupResult backup(BackupRequest request) {
        return new BackupJob(request, new RecordingListener()).run();
    }

    /** verify of a backup on this host, every file's SHA-256 and pg_verifybackup with the cluster's binaries. */
    public VerifyReport verify(PgCluster cluster, Path backup) {
        try (SshSession ssh = request(cluster, backup.getParent()).build().connection().connector(w -> { }).connect()) {
            return new BackupVerifier(ssh, Duration.ofMinutes(5)).verify(backup.toString(), BackupVerifier.Mode.CHECKSUMS,
                    null, cluster.binDir().toString());
        } catch (JobFailure e) {
            throw new IllegalStateException("verify of " + backup + " could not run: " + e.getMessage(), e);
        }
    }

    /** Entries of a directory, hidden ones included. */
    public static List<String> entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the cluster and writes into the middle of page {@code block} of pgbench_accounts, whose data
     * page checksum then no longer matches (the cluster is left stopped).
     */
    public static void damagePage(PgCluster cluster, int block) throws IOException {
        Path relation = cluster.pgdata().resolve(cluster.query("SELECT pg_relation_filepath('pgbench_accounts')"));
        cluster.stopFast();
        damageBlock(relation, block);
    }

    /** Writes into the middle of page {@code block} of a relation file of a stopped cluster. */
    public static void damageBlock(Path relation, int block) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(relation.toFile(), "rw")) {
            file.seek(block * 8192L + 4000);
            file.write("damaged by the test".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * The scratch directory that the runner of backup {@code id} in {@code dest} named in its run
     * directory (lib.sh's make_scratch): in /tmp, letters and digits only.
     */
    public static Path scratchOf(Path dest, String id) throws IOException {
        String named = Files.readString(dest.resolve("." + id + ".run").resolve("scratch"), StandardCharsets.UTF_8)
                .strip();
        if (!named.matches("/tmp/pgob-run\\.[A-Za-z0-9]{8}")) {
            throw new IllegalStateException("the run of " + id + " names an unexpected scratch directory: " + named);
        }
        return Path.of(named);
    }

    /** Every file of the manifest has the SHA-256 of the file in the backup, computed here. */
    public static void assertEverySha256IsItsFiles(JsonNode manifest, Path backup) throws Exception {
        int files = 0;
        for (JsonNode file : manifest.path("files")) {
            if (file.path("type").asText().equals("file")) {
                files++;
                String area = file.path("area").asText("data");
                String path = file.path("path").asText();
                Path copy = backup.resolve(area).resolve(path.replaceFirst("^/+", ""));
                Assertions.assertThat(file.path("sha256").asText()).as(area + ":" + path).isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy))));
            }
        }
        Assertions.assertThat(files).isPositive();
    }

    /** Whether a manifest.json carries its own checksum, as lib.sh's sealed_manifest (verify, restore) sees it. */
    public static boolean sealedByLib(Path manifest) throws IOException {
        Path lib = Files.createTempFile("pg-offline-backup-lib", ".sh");
        try {
            Files.write(lib, RemoteScripts.lib());
            return ProcessRunner.run(List.of("sh", "-c", ". \"$0\" && sealed_manifest \"$1\"", lib.toString(),
                    manifest.toString()), Duration.ofSeconds(30)).succeeded();
        } finally {
            Files.deleteIfExists(lib);
        }
    }

    /** Starts a copy of a backup's data directory as its own cluster on another port. */
    public PgCluster startCopyOf(Path backupData) {
        Path copy = TestUser.newWorkDir("restored");
        user.chownToUser(copy);
        ProcessRunner.run(List.of("chown", "-R", user.name(), copy.toString()), Duration.ofSeconds(30));
        user.runAs(List.of("cp", "-a", backupData.toString(), copy.resolve("data").toString()),
                Duration.ofMinutes(2)).orThrow();
        PgCluster started = PgCluster.adopt(user, copy.resolve("data"), PgCluster.freePort(), copy.resolve("sock"));
        toClose.add(started);
        return started;
    }

    public void close() {
        List<Throwable> failures = new ArrayList<>();
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        toClose.clear();
        sshd.close();
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("fixtures did not close cleanly");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /**
     * A listener that, at a log line containing {@code text}, ends the sessions the cluster's
     * {@link PgCluster#openSession} opened and waits for {@code client} to exit: a client that
     * leaves at that very moment of a job. Their server processes are found now and ended then with
     * SIGTERM (what pg_terminate_backend sends): a query at that moment would itself be a client
     * session, and under load the job's second look saw it, idle, and refused.
     */
    public static ProgressListener endingSessionsAt(String text, PgCluster cluster, Process client) {
        List<String> backends = cluster.query("SELECT pid FROM pg_stat_activity WHERE application_name"
                + " LIKE 'pgob-session-%'").lines().filter(line -> !line.isBlank()).toList();
        return new ProgressListener() {
            @Override
            public void info(String message) {
                if (message.contains(text)) {
                    backends.forEach(pid -> ProcessRunner.run(List.of("kill", "-TERM", pid), Duration.ofSeconds(10)));
                    try {
                        client.waitFor();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    /** Keeps what a job said, for assertions on the log. */
    public static final class RecordingListener implements ProgressListener {
        public final List<String> lines = new CopyOnWriteArrayList<>();
        public final List<String> phases = new CopyOnWriteArrayList<>();
        public final List<String> warnings = new CopyOnWriteArrayList<>();

        @Override
        public void phase(String phase, String message) {
            phases.add(phase);
            lines.add(phase + ": " + message);
        }

        @Override
        public void info(String message) {
            lines.add(message);
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
            lines.add("WARNING " + message);
        }
    }
}
