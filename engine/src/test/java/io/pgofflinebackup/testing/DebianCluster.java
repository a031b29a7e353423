package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A cluster made and run by Debian's postgresql-common (pg_createcluster, pg_ctlcluster), owned by
 * {@link TestUser}, whose configuration lives in a private conf root: every postgresql-common
 * command here gets {@code PG_CLUSTER_CONF_ROOT}, so the machine's own /etc/postgresql is never
 * read or written. Data directory, socket directory, log and port are the test's own too.
 */
public final class DebianCluster implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final TestUser owner;
    private final Path directory;
    private final String version;
    private final String name;
    private final int port;
    private boolean closed;

    private DebianCluster(TestUser owner, Path directory, String version, String name, int port) {
        this.owner = owner;
        this.directory = directory;
        this.version = version;
        this.name = name;
        this.port = port;
    }

    /** Creates the cluster (trust authentication on its socket only) and starts it with pg_ctlcluster. */
    public static DebianCluster createAndStart(TestUser owner) {
        Path dir = TestUser.newWorkDir("deb");
        String version = PgBinaries.highest().getParent().getFileName().toString();
        DebianCluster cluster = new DebianCluster(owner, dir, version, "pgob" + TestUser.randomToken(3),
                FreePorts.postgres());
        try {
            Files.createDirectories(cluster.confRoot());
            Files.createDirectories(cluster.socketDir());
            owner.chownToUser(cluster.socketDir());
            FreePorts.registerSocketDir(cluster.socketDir());
            ProcessRunner.run(List.of("pg_createcluster", "-u", owner.name(), "-d", cluster.pgdata().toString(),
                            "-s", cluster.socketDir().toString(), "-p", Integer.toString(cluster.port), "-l",
                            cluster.serverLog().toString(), "--start-conf", "manual",
                            "-o", "listen_addresses=", version, cluster.name, "--", "--auth=trust"),
                    cluster.environment(), null, TIMEOUT).orThrow();
            cluster.ctl("start");
            return cluster;
        } catch (IOException | RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The environment every postgresql-common command of this cluster needs: the private conf root. */
    public Map<String, String> environment() {
        return Map.of("PG_CLUSTER_CONF_ROOT", confRoot().toString());
    }

    public Path confRoot() {
        return directory.resolve("etc");
    }

    /** Where postgresql.conf and the other configuration files of this cluster live. */
    public Path configDirectory() {
        return confRoot().resolve(version).resolve(name);
    }

    public Path pgdata() {
        return directory.resolve("data");
    }

    public Path socketDir() {
        return directory.resolve("sock");
    }

    public Path serverLog() {
        return directory.resolve("server.log");
    }

    public String version() {
        return version;
    }

    public String name() {
        return name;
    }

    /** pg_ctlcluster VERSION NAME ACTION, as the owner. */
    public ProcessResult ctl(String action) {
        return owner.runAs(List.of("pg_ctlcluster", version, name, action), environment(), null, TIMEOUT).orThrow();
    }

    /** The line pg_lsclusters prints for this cluster (version, name, port, status, owner, data directory, log). */
    public String lsclusters() {
        return ProcessRunner.run(List.of("pg_lsclusters", "-h"), environment(), null, TIMEOUT).orThrow().stdout()
                .lines().filter(l -> l.startsWith(version + " " + name + " ")).findFirst().orElse("");
    }

    public long postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(pgdata().resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String query(String sql) {
        return owner.runAs(List.of(PgBinaries.highest().resolve("psql").toString(), "-X", "-A", "-t", "-v",
                "ON_ERROR_STOP=1", "-h", socketDir().toString(), "-p", Integer.toString(port), "-d", "postgres",
                "-c", sql), TIMEOUT).orThrow().stdout().trim();
    }

    /** Stops the cluster (fast; a postmaster that will not go is killed) and drops it with pg_dropcluster. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long pid = postmasterPid();
        if (Procs.isAlive(pid)) {
            owner.runAs(List.of("pg_ctlcluster", "-m", "fast", version, name, "stop"), environment(), null, TIMEOUT);
            if (!Procs.awaitDeath(pid, Duration.ofSeconds(30))) {
                Procs.signal(pid, "KILL");
                Procs.awaitDeath(pid, Duration.ofSeconds(10));
            }
        }
        if (Files.isDirectory(configDirectory())) {
            ProcessRunner.run(List.of("pg_dropcluster", version, name), environment(), null, TIMEOUT);
        }
        FreePorts.unregisterSocketDir(socketDir());
    }

    @Override
    public String toString() {
        return "DebianCluster[" + version + "/" + name + ", " + pgdata() + ", conf root " + confRoot() + "]";
    }
}
