package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One initdb per JVM and kind of cluster (owner, binaries, data checksums); every {@link PgCluster} starts
 * as a copy of it. initdb costs about two seconds of processor time, a copy of its 40 MB a tenth of
 * that, and the suite makes a cluster for nearly every test: on two cores, side by side with the
 * other test JVM, that was the biggest single cost of the suite.
 *
 * <p>The price: the clusters of one JVM share one database system identifier. Nothing of ours tells
 * clusters apart by it alone (backups are matched by system identifier and data directory together),
 * and a test that edits a manifest to another system identifier does not need a second system.
 *
 * <p>A template is never started, so it stays "shut down" with the WAL initdb wrote. It lives
 * outside the work directories {@link WorkDirCleanup} removes, and goes when the JVM exits.
 */
final class ClusterTemplates {
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Map<String, Path> TEMPLATES = new HashMap<>();
    private static Path root;

    private ClusterTemplates() {
    }

    /** The data directory of the template for this owner, binaries and checksum setting, made on first use. */
    static synchronized Path of(TestUser owner, Path binDir, boolean dataChecksums) {
        // Per owner too: cp -a keeps the template's owner, and PostgreSQL wants PGDATA to be its own.
        String key = owner.name() + " " + binDir + (dataChecksums ? " checksums" : "");
        Path existing = TEMPLATES.get(key);
        if (existing != null) {
            return existing;
        }
        Path data = root(owner).resolve("t" + TEMPLATES.size()).resolve("data");
        List<String> command = new ArrayList<>(List.of(binDir.resolve("initdb").toString(), "-D", data.toString(),
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        if (dataChecksums) {
            command.add("--data-checksums");
        }
        try {
            Files.createDirectories(data.getParent());
            owner.chownToUser(data.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + data.getParent(), e);
        }
        owner.runAs(command, INITDB_TIMEOUT).orThrow();
        TEMPLATES.put(key, data);
        return data;
    }

    private static Path root(TestUser owner) {
        if (root == null) {
            Path it = TestUser.workRoot();
            try {
                Files.createDirectories(it);
                root = Files.createTempDirectory(it, "templates-");
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a directory for cluster templates under " + it, e);
            }
            owner.chownToUser(root);
            Path made = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessRunner.run(
                    List.of("rm", "-rf", "--", made.toString()), Duration.ofMinutes(1)), "pgob-template-cleanup"));
        }
        return root;
    }
}
