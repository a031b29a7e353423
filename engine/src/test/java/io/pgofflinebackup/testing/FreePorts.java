package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Picks ports nobody seems to use. The kernel's choice for port 0 is only free at that moment, so
 * the ports handed out by this JVM are remembered and never handed out twice.
 */
final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    /** Socket directories of clusters this JVM knows about, besides the usual system ones. */
    private static final Set<Path> SOCKET_DIRS = new LinkedHashSet<>();

    private FreePorts() {
    }

    /** A TCP port free on the given local address. */
    static synchronized int tcp(String address) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindEphemeral(address);
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port found on " + address);
    }

    /**
     * A port for a PostgreSQL cluster that listens on a Unix socket only. Such clusters clash only
     * through a socket file of the same port in the same directory, so ports with a socket file in any
     * directory we know of (including other JVMs' clusters under this module's target/it) are skipped.
     */
    static synchronized int postgres() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindEphemeral("127.0.0.1");
            if (!HANDED_OUT.contains(port) && !socketFileExists(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free port found for PostgreSQL");
    }

    static synchronized void registerSocketDir(Path dir) {
        SOCKET_DIRS.add(dir.toAbsolutePath());
    }

    static synchronized void unregisterSocketDir(Path dir) {
        SOCKET_DIRS.remove(dir.toAbsolutePath());
    }

    private static boolean socketFileExists(int port) {
        Set<Path> dirs = new LinkedHashSet<>(Set.of(Path.of("/tmp"), Path.of("/run/postgresql"),
                Path.of("/var/run/postgresql")));
        dirs.addAll(SOCKET_DIRS);
        dirs.addAll(moduleSocketDirs());
        String name = ".s.PGSQL." + port;
        return dirs.stream().anyMatch(d -> Files.exists(d.resolve(name)) || Files.exists(d.resolve(name + ".lock")));
    }

    private static Set<Path> moduleSocketDirs() {
        Path it = TestUser.workRoot();
        Set<Path> dirs = new HashSet<>();
        if (!Files.isDirectory(it)) {
            return dirs;
        }
        try (DirectoryStream<Path> work = Files.newDirectoryStream(it)) {
            work.forEach(d -> dirs.add(d.resolve("sock")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + it, e);
        }
        return dirs;
    }

    private static int bindEphemeral(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind a port on " + address, e);
        }
    }
}
