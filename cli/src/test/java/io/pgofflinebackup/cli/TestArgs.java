package io.pgofflinebackup.cli;

import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Command lines against the test fixtures, and small file helpers. */
final class TestArgs {

    private TestArgs() {
    }

    /** {@code --host 127.0.0.1 --port P --user U}. */
    static List<String> target(SshServer sshd) {
        return List.of("--host", sshd.host(), "--port", Integer.toString(sshd.port()), "--user", sshd.user().name());
    }

    /** The usual way in: the server's client key, and its host keys in a known_hosts file. */
    static List<String> keyAuth(SshServer sshd) {
        return List.of("--identity", sshd.clientKey().toString(), "--known-hosts", sshd.knownHostsFile().toString());
    }

    /** {@code --pgdata}, {@code --dest}, and the server log kept in the cluster's own directory. */
    static List<String> cluster(PgCluster pg, Path dest) {
        return List.of("--pgdata", pg.pgdata().toString(), "--dest", dest.toString(),
                "--server-log", pg.directory().resolve("restarted-server.log").toString());
    }

    /** A whole command line: command, then the given groups of options in order. */
    @SafeVarargs
    static List<String> line(String command, List<String>... groups) {
        List<String> all = new ArrayList<>(List.of(command));
        for (List<String> group : groups) {
            all.addAll(group);
        }
        return all;
    }

    /** Names in a directory (hidden ones included), sorted. */
    static List<String> names(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Deletes a directory tree (the tests run as root or as the files' owner). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
