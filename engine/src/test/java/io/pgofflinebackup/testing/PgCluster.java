package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A throw-away PostgreSQL cluster owned by {@link TestUser}, reachable only through a Unix socket
 * in its own directory.
 */
public final class PgCluster implements AutoCloseable {

    /**
     * @param startWithOptions start with {@code pg_ctl -o "-p ... -c ..."}, so that the connection settings
     *                         live only in postmaster.opts (as for a DBA who runs pg_ctl by hand); when
     *                         false they are written into postgresql.conf
     * @param pgbenchScale     {@code pgbench -i} scale after start; 0 for an empty cluster
     * @param tablespaces      names of tablespaces to create after start, each in {@code <dir>/ts/<name>}
     * @param separateWal      initdb {@code --waldir <dir>/wal}: pg_wal is a link to a directory outside PGDATA
     * @param externalConfig   Debian style: postgresql.conf, pg_hba.conf and pg_ident.conf live in
     *                         {@code <dir>/etc} (which also has {@code conf.d/} included with
     *                         {@link #EXTERNAL_SETTING}), and the server is started with
     *                         {@code -c config_file=<dir>/etc/postgresql.conf}
     */
    public record Options(boolean dataChecksums, boolean startWithOptions, int pgbenchScale, List<String> tablespaces,
            boolean separateWal, boolean externalConfig, Path parentDirectory) {

        public Options {
            tablespaces = List.copyOf(tablespaces);
        }

        public Options(boolean dataChecksums, boolean startWithOptions, int pgbenchScale, List<String> tablespaces,
                boolean separateWal, boolean externalConfig) {
            this(dataChecksums, startWithOptions, pgbenchScale, tablespaces, separateWal, externalConfig, null);
        }

        public static Options defaults() {
            return new Options(true, true, 1, List.of(), false, false);
        }

        /**
         * The cluster's directory (PGDATA, tablespaces, WAL directory, socket) is made below this existing
         * directory instead of the build's work directory, e.g. on a file system mounted for the test.
         */
        public Options withParentDirectory(Path value) {
            return new Options(dataChecksums, startWithOptions, pgbenchScale, tablespaces, separateWal, externalConfig,
                    value);
        }

        public Options withDataChecksums(boolean value) {
            return new Options(value, startWithOptions, pgbenchScale, tablespaces, separateWal, externalConfig, parentDirectory);
        }

        public Options withStartWithOptions(boolean value) {
            return new Options(dataChecksums, value, pgbenchScale, tablespaces, separateWal, externalConfig, parentDirectory);
        }

        public Options withPgbenchScale(int value) {
            return new Options(dataChecksums, startWithOptions, value, tablespaces, separateWal, externalConfig, parentDirectory);
        }

        public Options withTablespaces(String... names) {
            return new Options(dataChecksums, startWithOptions, pgbenchScale, List.of(names), separateWal,
                    externalConfig, parentDirectory);
        }

        public Options withSeparateWal(boolean value) {
            return new Options(dataChecksums, startWithOptions, pgbenchScale, tablespaces, value, externalConfig, parentDirectory);
        }

        public Options withExternalConfig(boolean value) {
            return new Options(dataChecksums, startWithOptions, pgbenchScale, tablespaces, separateWal, value, parentDirectory);
        }
    }

    /** A custom setting that an external configuration sets in {@code conf.d/custom.conf}: name and value. */
    public static final String[] EXTERNAL_SETTING = {"pgob.marker", "from-external-config"};

    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FAST_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private static final Duration LAST_RESORT_GRACE = Duration.ofSeconds(5);
    /** sun_path holds 108 bytes including the NUL; PostgreSQL appends "/.s.PGSQL.NNNNN". */
    private static final int MAX_SOCKET_DIR_LENGTH = 107 - "/.s.PGSQL.65535".length();

    private final TestUser owner;
    private final Path directory;
    private final Path pgdata;
    private final int port;
    private final Path socketDir;
    private final Path binDir;
    private final Path serverLog;
    private final Options options;
    private final List<Process> sessions = new CopyOnWriteArrayList<>();
    /** Set when the socket directory is a short-path stand-in under /tmp that nobody else will clean up. */
    private boolean temporarySocketDir;
    private boolean closed;

    private PgCluster(TestUser owner, Path directory, Path pgdata, int port, Path socketDir, Path binDir,
                      Path serverLog, Options options) {
        this.owner = owner;
        this.directory = directory;
        this.pgdata = pgdata;
        this.port = port;
        this.socketDir = socketDir;
        this.binDir = binDir;
        this.serverLog = serverLog;
        this.options = options;
        FreePorts.registerSocketDir(socketDir);
        ShutdownCleanup.register(this);
    }

    public static PgCluster create(TestUser owner) {
        return create(owner, Options.defaults());
    }

    public static PgCluster create(TestUser owner, Options options) {
        Path dir = options.parentDirectory() == null ? TestUser.newWorkDir("pg")
                : TestUser.newWorkDirUnder(options.parentDirectory(), "pg");
        Path socketDir = createSocketDir(owner, dir);
        PgCluster cluster = new PgCluster(owner, dir, dir.resolve("data"), FreePorts.postgres(), socketDir,
                PgBinaries.highest(), dir.resolve("server.log"), options);
        cluster.temporarySocketDir = !socketDir.startsWith(dir);
        return initialise(cluster, () -> {
            cluster.initdb();
            if (options.externalConfig()) {
                cluster.moveConfigurationOut();
            }
            if (!options.startWithOptions()) {
                cluster.writeConnectionSettings();
            }
            cluster.start();
            for (String name : options.tablespaces()) {
                Path location = cluster.tablespaceLocation(name);
                try {
                    Files.createDirectories(location);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create " + location, e);
                }
                owner.chownToUser(location.getParent());
                owner.chownToUser(location);
                cluster.query("CREATE TABLESPACE " + name + " LOCATION '" + location + "'");
            }
            if (options.pgbenchScale() > 0) {
                cluster.pgbenchInit(options.pgbenchScale());
            }
            cluster.query("CHECKPOINT");
        });
    }

    /**
     * Starts an existing data directory (say, a restored copy of a backup) on another port and socket
     * directory, passing them on the pg_ctl command line so that no file in it is rewritten.
     */
    public static PgCluster adopt(TestUser owner, Path pgdata, int port, Path socketDir) {
        Path data = pgdata.toAbsolutePath();
        Path dir = data.getParent();
        Path log = dir.resolve("adopted-server.log");
        try {
            Files.createDirectories(socketDir);
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            owner.chownToUser(socketDir);
            owner.chownToUser(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + socketDir + " and " + log, e);
        }
        int major = readMajorVersion(data);
        PgCluster cluster = new PgCluster(owner, dir, data, port, socketDir.toAbsolutePath(),
                PgBinaries.forMajor(major), log, Options.defaults().withPgbenchScale(0));
        return initialise(cluster, cluster::start);
    }

    /** A port for {@link #adopt}; the socket-only clusters here never bind TCP, but the port names the socket. */
    public static int freePort() {
        return FreePorts.postgres();
    }

    public Path directory() {
        return directory;
    }

    public Path pgdata() {
        return pgdata;
    }

    public int port() {
        return port;
    }

    public Path socketDir() {
        return socketDir;
    }

    public Path binDir() {
        return binDir;
    }

    public Path serverLog() {
        return serverLog;
    }

    public TestUser owner() {
        return owner;
    }

    public int majorVersion() {
        return readMajorVersion(pgdata);
    }

    /** initdb's bootstrap superuser, which is the owner's OS user name. */
    public String superuser() {
        return owner.name();
    }

    /** Where a tablespace made by {@link Options#tablespaces()} lives. */
    public Path tablespaceLocation(String name) {
        return directory.resolve("ts").resolve(name);
    }

    /** Where pg_wal leads with {@link Options#separateWal()}. */
    public Path walDirectory() {
        return directory.resolve("wal");
    }

    /** Where postgresql.conf and the others live with {@link Options#externalConfig()}. */
    public Path configDirectory() {
        return directory.resolve("etc");
    }

    /** Starts the cluster the same way as at creation, waiting until it accepts connections. */
    public void start() {
        List<String> command = new ArrayList<>(List.of(pgCtl(), "start", "-D", pgdata.toString(), "-w", "-t", "60",
                // Without -l the postmaster inherits pg_ctl's output and callers reading it never see EOF.
                "-l", serverLog.toString()));
        List<String> serverOptions = new ArrayList<>();
        if (options.externalConfig()) {
            serverOptions.add("-c config_file='" + configDirectory().resolve("postgresql.conf") + "'");
        }
        if (options.startWithOptions()) {
            serverOptions.add("-p " + port + " -c listen_addresses='' -c unix_socket_directories='" + socketDir + "'");
        }
        if (!serverOptions.isEmpty()) {
            command.addAll(List.of("-o", String.join(" ", serverOptions)));
        }
        ProcessResult result = owner.runAs(command, PG_CTL_TIMEOUT);
        if (!result.succeeded()) {
            throw new IllegalStateException("pg_ctl start failed for " + this + "\n" + result.stdout() + result.stderr()
                    + "\n--- end of " + serverLog + " ---\n" + tail(serverLog, 40));
        }
    }

    public void stopFast() {
        stop("fast");
    }

    public void stopImmediate() {
        stop("immediate");
    }

    public boolean isRunning() {
        return Procs.isAlive(postmasterPid());
    }

    /** The pid recorded in postmaster.pid, or -1 if there is none. */
    public long postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(pgdata.resolve("postmaster.pid"));
            return lines.isEmpty() || lines.get(0).isBlank() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read postmaster.pid of " + this, e);
        }
    }

    /** pg_controldata's "Database cluster state", e.g. "shut down" or "in production". */
    public String controlState() {
        return controlField("Database cluster state");
    }

    /** One field of pg_controldata's output, by its label, e.g. "Latest checkpoint location". */
    public String controlField(String label) {
        String out = owner.runAs(List.of(binDir.resolve("pg_controldata").toString(), "-D", pgdata.toString()),
                Map.of("LC_ALL", "C"), null, QUERY_TIMEOUT).orThrow().stdout();
        return out.lines()
                .filter(l -> l.startsWith(label + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No '" + label + "' in pg_controldata output:\n" + out));
    }

    /** Runs SQL through psql as the owner and returns its unaligned, tuples-only output, trimmed. */
    public String query(String sql) {
        return owner.runAs(List.of(binDir.resolve("psql").toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-h", socketDir.toString(), "-p", Integer.toString(port), "-U", superuser(), "-d", "postgres",
                        "-c", sql),
                QUERY_TIMEOUT).orThrow().stdout().trim();
    }

    /**
     * Starts pgbench's default read-write load on the cluster in the background ({@code pgbench -i} must
     * have run: {@link Options#pgbenchScale()} above 0) and returns once it runs. Destroy the process to end
     * it; close() ends any still running. A shutdown of the server ends it too.
     */
    public Process startPgbench(int clients, Duration duration) {
        Path log = directory.resolve("pgbench-" + TestUser.randomToken(4) + ".log");
        try {
            Files.createFile(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + log, e);
        }
        owner.chownToUser(log);
        ProcessBuilder builder = new ProcessBuilder(owner.execAsUser(List.of(binDir.resolve("pgbench").toString(),
                "-n", "-c", Integer.toString(clients), "-T", Long.toString(duration.toSeconds()), "-h",
                socketDir.toString(), "-p", Integer.toString(port), "-U", superuser(), "postgres")))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("HOME", owner.home().toString());
        Process pgbench;
        try {
            pgbench = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start pgbench for " + this, e);
        }
        sessions.add(pgbench);
        long deadline = System.nanoTime() + SESSION_TIMEOUT.toNanos();
        while (!query("SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'pgbench'").equals("t")) {
            if (!pgbench.isAlive() || System.nanoTime() - deadline > 0) {
                Procs.killTree(pgbench.toHandle());
                throw new IllegalStateException("pgbench did not connect to " + this + ":\n" + tail(log, 40));
            }
            Procs.pause();
        }
        return pgbench;
    }

    /** The pid of a process of the running server, by its title ("checkpointer", "walwriter"). */
    public long serverProcess(String title) {
        return ProcessHandle.of(postmasterPid()).orElseThrow().children()
                .filter(p -> Procs.cmdline(p.pid()).startsWith("postgres: " + title))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + title + " process in " + this))
                .pid();
    }

    /**
     * Runs SQL in a background psql session (e.g. {@code SELECT pg_sleep(600)}) and returns once
     * pg_stat_activity shows the statement. The returned process is psql itself; destroy it to end the
     * session. close() ends any session still running.
     */
    public Process openSession(String sql) {
        String application = "pgob-session-" + TestUser.randomToken(4);
        Path log = directory.resolve(application + ".log");
        try {
            Files.createFile(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + log, e);
        }
        owner.chownToUser(log);
        String conninfo = "host='" + socketDir + "' port=" + port + " dbname=postgres user=" + superuser()
                + " application_name=" + application;
        ProcessBuilder builder = new ProcessBuilder(owner.execAsUser(List.of(binDir.resolve("psql").toString(), "-X",
                "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql)))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("HOME", owner.home().toString());
        Process psql;
        try {
            psql = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start psql for " + this, e);
        }
        sessions.add(psql);
        awaitSession(psql, application, log);
        return psql;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownCleanup.unregister(this);
        sessions.forEach(s -> Procs.killTree(s.toHandle()));
        long pid = postmasterPid();
        if (Procs.isAlive(pid)) {
            shutDownPostmaster(pid);
        }
        FreePorts.unregisterSocketDir(socketDir);
        if (temporarySocketDir) {
            removeEmptyDirectory(socketDir);
        }
    }

    @Override
    public String toString() {
        return "PgCluster[" + pgdata + ", port " + port + ", socket " + socketDir + "]";
    }

    /** Fast shutdown, then immediate, then SIGKILL, and finally any backend that outlived the postmaster. */
    private void shutDownPostmaster(long pid) {
        List<ProcessHandle> children = ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
        Procs.signal(pid, "INT");
        if (!Procs.awaitDeath(pid, FAST_SHUTDOWN_GRACE)) {
            Procs.signal(pid, "QUIT");
            if (!Procs.awaitDeath(pid, LAST_RESORT_GRACE)) {
                Procs.signal(pid, "KILL");
            }
        }
        children.forEach(ProcessHandle::destroyForcibly);
        List<Long> survivors = new ArrayList<>();
        if (!Procs.awaitDeath(pid, LAST_RESORT_GRACE)) {
            survivors.add(pid);
        }
        children.stream().filter(c -> !Procs.awaitDeath(c.pid(), LAST_RESORT_GRACE)).forEach(c -> survivors.add(c.pid()));
        if (!survivors.isEmpty()) {
            throw new IllegalStateException("PostgreSQL processes survived close() of " + this + ": " + survivors);
        }
    }

    private void awaitSession(Process psql, String application, Path log) {
        // A non-empty query column means psql has sent its statement, not merely connected.
        String probe = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application
                + "' AND query <> ''";
        long deadline = System.nanoTime() + SESSION_TIMEOUT.toNanos();
        while (!query(probe).equals("1")) {
            if (!psql.isAlive() || System.nanoTime() - deadline > 0) {
                Procs.killTree(psql.toHandle());
                throw new IllegalStateException("Session did not show up in pg_stat_activity of " + this
                        + "; psql output:\n" + tail(log, 40));
            }
            Procs.pause();
        }
    }

    /** What initdb would make, copied from this JVM's template (see {@link ClusterTemplates}). */
    private void initdb() {
        Path template = ClusterTemplates.of(owner, binDir, options.dataChecksums());
        ProcessRunner.run(List.of("cp", "-a", "--", template.toString(), pgdata.toString()), PG_CTL_TIMEOUT).orThrow();
        if (options.separateWal()) {
            // As initdb --waldir leaves it: pg_wal a link, by absolute path, to a directory of the owner.
            Path wal = walDirectory();
            Path inside = pgdata.resolve("pg_wal");
            try {
                Files.move(inside, wal);
                Files.createSymbolicLink(inside, wal);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot move pg_wal of " + this + " to " + wal, e);
            }
            owner.chownToUser(inside);
        }
    }

    /** Moves the configuration files to {@code <dir>/etc}, the way postgresql-common lays out a cluster. */
    private void moveConfigurationOut() {
        Path etc = configDirectory();
        try {
            Files.createDirectories(etc.resolve("conf.d"));
            for (String name : List.of("postgresql.conf", "pg_hba.conf", "pg_ident.conf")) {
                Files.move(pgdata.resolve(name), etc.resolve(name));
            }
            Files.writeString(etc.resolve("postgresql.conf"), "\n# pg-offline-backup test fixture: Debian layout\n"
                    + "data_directory = '" + pgdata + "'\n"
                    + "hba_file = '" + etc.resolve("pg_hba.conf") + "'\n"
                    + "ident_file = '" + etc.resolve("pg_ident.conf") + "'\n"
                    + "include_dir = 'conf.d'\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Files.writeString(etc.resolve("conf.d/custom.conf"), EXTERNAL_SETTING[0] + " = '" + EXTERNAL_SETTING[1]
                    + "'\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move the configuration of " + this + " to " + etc, e);
        }
        ProcessRunner.run(List.of("chown", "-R", owner.name(), etc.toString()), Duration.ofSeconds(30));
    }

    private void writeConnectionSettings() {
        // fsync = off (and initdb --no-sync): the tests stop, kill and restart PostgreSQL and our
        // runners, never the machine, so what PostgreSQL writes reaches the files either way; the
        // flushes only cost the suite time on a shared disk. Clean shutdowns, checkpoints and the
        // WAL the backups hold are the same.
        String settings = "\n# pg-offline-backup test fixture\n"
                + "fsync = off\n"
                + "port = " + port + "\n"
                + "listen_addresses = ''\n"
                + "unix_socket_directories = '" + socketDir + "'\n";
        Path conf = options.externalConfig() ? configDirectory().resolve("postgresql.conf")
                : pgdata.resolve("postgresql.conf");
        try {
            Files.writeString(conf, settings, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write postgresql.conf of " + this, e);
        }
    }

    private void pgbenchInit(int scale) {
        owner.runAs(List.of(binDir.resolve("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale),
                "-h", socketDir.toString(), "-p", Integer.toString(port), "-U", superuser(), "postgres"),
                Duration.ofMinutes(10)).orThrow();
    }

    private void stop(String mode) {
        owner.runAs(List.of(pgCtl(), "stop", "-D", pgdata.toString(), "-m", mode, "-w", "-t", "60"), PG_CTL_TIMEOUT)
                .orThrow();
    }

    private String pgCtl() {
        return binDir.resolve("pg_ctl").toString();
    }

    private static PgCluster initialise(PgCluster cluster, Runnable steps) {
        try {
            steps.run();
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** {@code <dir>/sock}, unless that path is too long for a Unix socket; then a short one under /tmp. */
    private static Path createSocketDir(TestUser owner, Path dir) {
        try {
            Path socketDir = dir.resolve("sock");
            if (socketDir.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_DIR_LENGTH) {
                socketDir = Files.createTempDirectory(Path.of("/tmp"), "pgob-");
            } else {
                Files.createDirectory(socketDir);
            }
            Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            owner.chownToUser(socketDir);
            return socketDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a socket directory for " + dir, e);
        }
    }

    private static void removeEmptyDirectory(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            System.err.println("Leaving " + dir + " behind: it is not empty");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + dir, e);
        }
    }

    private static int readMajorVersion(Path pgdata) {
        try {
            return Integer.parseInt(Files.readString(pgdata.resolve("PG_VERSION")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read PG_VERSION in " + pgdata, e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
