package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The non-root OS user that owns the test PostgreSQL clusters and logs in over SSH.
 *
 * <p>As root this is a dedicated account, {@value #NAME}, created once per machine (PostgreSQL
 * refuses to run as root). Otherwise it is the current user, and root-only features such as
 * password login are unavailable.
 */
public final class TestUser {

    public static final String NAME = "pgobtest";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** Machine-wide state shared by every JVM that runs these fixtures as root. */
    private static final Path MACHINE_DIR = Path.of("/var/tmp/pgobtest-fixtures");
    private static final Set<PosixFilePermission> MODE_0755 = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A FileLock is per JVM, so threads of one JVM must also be kept apart. */
    private static final ReentrantLock MACHINE_LOCK_IN_JVM = new ReentrantLock();

    private static TestUser instance;

    private final String name;
    private final int uid;
    private final int gid;
    private final Path home;
    private final boolean root;

    private TestUser(String name, int uid, int gid, Path home, boolean root) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
        this.root = root;
    }

    public static synchronized TestUser get() {
        if (instance == null) {
            instance = currentUid() == 0 ? ensureDedicatedUser() : currentUser();
        }
        return instance;
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public Path home() {
        return home;
    }

    /** True when the JVM is root and this user is the dedicated account. */
    public boolean testsRunAsRoot() {
        return root;
    }

    public ProcessResult runAs(List<String> command, Duration timeout) {
        return runAs(command, Map.of(), null, timeout);
    }

    /** Like {@link #runAs(List, Duration)} with extra environment variables and optional stdin text. */
    public ProcessResult runAs(List<String> command, Map<String, String> environment, String stdin,
                               Duration timeout) {
        if (!root) {
            return ProcessRunner.run(command, environment, stdin, timeout);
        }
        // runuser keeps the environment (apart from HOME, SHELL, USER, LOGNAME); the home directory as
        // working directory spares tools like initdb a working directory they cannot read.
        return ProcessRunner.run(asUser(command), environment, stdin, home, timeout);
    }

    /** The command prefixed so that, when root, it runs as this user through runuser. */
    List<String> asUser(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        full.addAll(command);
        return full;
    }

    /**
     * The command prefixed so that it becomes this user in place (setpriv execs, runuser forks): the
     * resulting {@link Process} is then the command itself and destroying it really stops it.
     */
    public List<String> execAsUser(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--init-groups", "--"));
        full.addAll(command);
        return full;
    }

    /** Gives this user ownership of the path and everything below it (not following symlinks). */
    public void chownToUser(Path path) {
        if (!root) {
            return;
        }
        ProcessRunner.run(List.of("chown", "-R", "-h", uid + ":" + gid, path.toString()), ADMIN_TIMEOUT).orThrow();
    }

    /** Sets the login password (root only) and returns it. */
    public String setPassword(String password) {
        if (!root) {
            throw new IllegalStateException("Setting a password needs the tests to run as root");
        }
        withMachineLock(() -> ProcessRunner.run(List.of("chpasswd"), Map.of(), name + ":" + password + "\n",
                ADMIN_TIMEOUT).orThrow());
        return password;
    }

    /**
     * A random password for this user, the same for every JVM on the machine, so that SSH servers of
     * concurrently running test classes do not overwrite each other's password (root only).
     */
    String machinePassword() {
        if (!root) {
            throw new IllegalStateException("Password login needs the tests to run as root");
        }
        return withMachineLock(() -> {
            try {
                Path file = MACHINE_DIR.resolve("password");
                if (!Files.exists(file)) {
                    Files.writeString(file, randomToken(12), StandardCharsets.UTF_8);
                }
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * A fresh directory {@code <module>/target/it/<label>-<random>} (module = surefire's working
     * directory), mode 0755, owned by the test user, with every parent traversable by that user.
     */
    public static Path newWorkDir(String label) {
        return newWorkDirUnder(workRoot(), label);
    }

    /** {@code <module>/target/it}, where every test's work directories go (module = surefire's working directory). */
    public static Path workRoot() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("target").resolve("it");
    }

    /** Like {@link #newWorkDir}, below a directory of the caller's choosing (created when missing). */
    public static Path newWorkDirUnder(Path parent, String label) {
        TestUser user = get();
        try {
            Files.createDirectories(parent);
            Path dir = createUnique(parent, label);
            WorkDirCleanup.created(dir);
            Files.setPosixFilePermissions(dir, MODE_0755);
            user.chownToUser(dir);
            user.makeTraversable(dir.getParent());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a work directory under " + parent, e);
        }
    }

    static String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }

    private static Path createUnique(Path parent, String label) throws IOException {
        // Short names matter: PostgreSQL's socket path must stay below 108 bytes.
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(parent.resolve(label + "-" + randomToken(4)));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** As root, adds o+x to any ancestor the user could not otherwise enter (e.g. a 0700 /root). */
    private void makeTraversable(Path dir) throws IOException {
        if (!root) {
            return;
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            int owner = (Integer) Files.getAttribute(p, "unix:uid");
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            perms.addAll(Files.getPosixFilePermissions(p));
            if (owner != uid && !perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    private static TestUser ensureDedicatedUser() {
        return withMachineLock(() -> {
            if (!passwdEntry(NAME).succeeded()) {
                ProcessRunner.run(List.of("useradd", "-m", "-s", "/bin/sh", NAME), ADMIN_TIMEOUT).orThrow();
            }
            // With UsePAM no, sshd rejects accounts whose password field starts with '!' (useradd's default).
            // Only unlock a locked account: a password set by another JVM's SshServer must survive.
            String shadow = ProcessRunner.run(List.of("getent", "shadow", NAME), ADMIN_TIMEOUT).orThrow().stdout();
            if (shadow.split(":", -1)[1].startsWith("!")) {
                ProcessRunner.run(List.of("usermod", "-p", "*", NAME), ADMIN_TIMEOUT).orThrow();
            }
            String[] passwd = passwdEntry(NAME).orThrow().stdout().trim().split(":", -1);
            return new TestUser(NAME, Integer.parseInt(passwd[2]), Integer.parseInt(passwd[3]), Path.of(passwd[5]),
                    true);
        });
    }

    private static ProcessResult passwdEntry(String user) {
        return ProcessRunner.run(List.of("getent", "passwd", user), ADMIN_TIMEOUT);
    }

    private static TestUser currentUser() {
        int[] ids = idsFromProcStatus();
        return new TestUser(System.getProperty("user.name"), ids[0], ids[1], Path.of(System.getProperty("user.home")),
                false);
    }

    private static int currentUid() {
        return idsFromProcStatus()[0];
    }

    /** Effective uid and gid of this JVM. */
    private static int[] idsFromProcStatus() {
        try {
            int uid = -1;
            int gid = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "Uid:\treal\teffective\tsaved\tfs"
                if (line.startsWith("Uid:")) {
                    uid = Integer.parseInt(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    gid = Integer.parseInt(line.split("\\s+")[2]);
                }
            }
            return new int[] {uid, gid};
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot tell who runs the tests", e);
        }
    }

    /** Serialises account changes across threads and JVMs (useradd, usermod and chpasswd lock /etc/shadow). */
    static <T> T withMachineLock(Supplier<T> action) {
        MACHINE_LOCK_IN_JVM.lock();
        try {
            Files.createDirectories(MACHINE_DIR, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            try (FileChannel channel = FileChannel.open(MACHINE_DIR.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return action.get();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lock " + MACHINE_DIR, e);
        } finally {
            MACHINE_LOCK_IN_JVM.unlock();
        }
    }

    @Override
    public String toString() {
        return name + "(" + uid + ":" + gid + (root ? ", dedicated" : ", current user") + ")";
    }
}
