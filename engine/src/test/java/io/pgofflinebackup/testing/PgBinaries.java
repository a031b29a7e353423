package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Locates the Debian-style PostgreSQL installation(s) under /usr/lib/postgresql/MAJOR/bin. */
public final class PgBinaries {

    private static final Path ROOT = Path.of("/usr/lib/postgresql");

    private PgBinaries() {
    }

    /** The bin directory of the newest installed major version that has initdb. */
    public static Path highest() {
        try (Stream<Path> versions = Files.list(ROOT)) {
            return versions
                    .filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("No PostgreSQL with initdb under " + ROOT));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + ROOT, e);
        }
    }

    /** The bin directory for one major version (a copied cluster must be started by its own version). */
    public static Path forMajor(int major) {
        Path bin = ROOT.resolve(Integer.toString(major)).resolve("bin");
        if (!Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL " + major + " is not installed under " + ROOT);
        }
        return bin;
    }
}
