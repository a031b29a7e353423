package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the copy keeps of each entry, whichever way it is copied (plain files by cp, the rest by tar;
 * a fresh backup, a generation linked to an earlier one, a restore): modes, modification times to
 * the nanosecond (of directories too, which the copying into them must not disturb), hard links
 * between files and symbolic links as they are.
 */
class CopyFidelityTest {
    private static final Instant OLD = Instant.parse("2021-03-04T05:06:07.123456789Z");
    private static final Instant OLDER = Instant.parse("2019-08-09T10:11:12.987654321Z");
    private static RealHostSupport host;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void modesTimesAndLinksSurviveABackupAGenerationAndARestore() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path keep = cluster.pgdata().resolve("keep");
        Files.createDirectories(keep.resolve("inner"));
        Files.writeString(keep.resolve("old"), "old contents", StandardCharsets.US_ASCII);
        Files.createLink(keep.resolve("old.link"), keep.resolve("old"));
        Files.createSymbolicLink(keep.resolve("to-old"), Path.of("old"));
        Files.writeString(keep.resolve("inner/secret"), "s", StandardCharsets.US_ASCII);
        host.user.chownToUser(keep);
        Files.setPosixFilePermissions(keep.resolve("old"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(keep.resolve("inner/secret"), PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(keep.resolve("inner"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(keep.resolve("old"), FileTime.from(OLD));
        Files.setLastModifiedTime(keep.resolve("inner/secret"), FileTime.from(OLDER));
        Files.setLastModifiedTime(keep.resolve("inner"), FileTime.from(OLDER));
        Files.setLastModifiedTime(keep, FileTime.from(OLD));
        Path dest = host.dest();

        BackupResult first = RealHostSupport.backup(host.request(cluster, dest).build());
        assertThat(first.ok()).as(String.valueOf(first.errorMessage())).isTrue();
        assertSameEntries(keep, Path.of(first.backupPath(), "data/keep"));
        assertThat(Files.getAttribute(Path.of(first.backupPath(), "data/keep/old"), "unix:ino"))
                .as("hard links stay one file").isEqualTo(Files.getAttribute(
                        Path.of(first.backupPath(), "data/keep/old.link"), "unix:ino"));

        // A second generation copies what changed, links the rest: a new file in a directory whose
        // time must still come out as the source's.
        Path fresh = keep.resolve("inner/fresh");
        Files.writeString(fresh, "fresh", StandardCharsets.US_ASCII);
        host.user.chownToUser(fresh);
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(fresh, FileTime.from(OLD));
        Files.setLastModifiedTime(keep.resolve("inner"), FileTime.from(OLDER));
        BackupResult second = RealHostSupport.backup(host.request(cluster, dest).build());
        assertThat(second.ok()).as(String.valueOf(second.errorMessage())).isTrue();
        assertSameEntries(keep, Path.of(second.backupPath(), "data/keep"));
        assertThat(Files.getAttribute(Path.of(second.backupPath(), "data/keep/old"), "unix:ino"))
                .as("unchanged: linked to the first generation")
                .isEqualTo(Files.getAttribute(Path.of(first.backupPath(), "data/keep/old"), "unix:ino"));

        RestoreResult restored = RealHostSupport.restore(host.restoreRequest(cluster, second.backupPath()).build());
        assertThat(restored.ok()).as(String.valueOf(restored.errorMessage())).isTrue();
        assertSameEntries(Path.of(second.backupPath(), "data/keep"), keep);
        assertThat(Files.getAttribute(keep.resolve("old"), "unix:ino"))
                .isEqualTo(Files.getAttribute(keep.resolve("old.link"), "unix:ino"));
        assertThat(Files.getAttribute(keep.resolve("old"), "unix:nlink")).isEqualTo(2);
    }

    /** Every entry below {@code source} is in {@code copy} with the same type, mode, time and contents. */
    private static void assertSameEntries(Path source, Path copy) throws Exception {
        try (var entries = Files.walk(source)) {
            for (Path entry : entries.toList()) {
                Path relative = source.relativize(entry);
                Path copied = copy.resolve(relative.toString());
                String what = relative.toString().isEmpty() ? "the directory itself" : relative.toString();
                assertThat(Files.exists(copied, LinkOption.NOFOLLOW_LINKS)).as(what + " copied").isTrue();
                if (Files.isSymbolicLink(entry)) {
                    assertThat(Files.readSymbolicLink(copied)).as(what).isEqualTo(Files.readSymbolicLink(entry));
                    continue;
                }
                assertThat(Files.getPosixFilePermissions(copied)).as("mode of " + what)
                        .isEqualTo(Files.getPosixFilePermissions(entry));
                assertThat(Files.getLastModifiedTime(copied)).as("mtime of " + what)
                        .isEqualTo(Files.getLastModifiedTime(entry));
                if (Files.isRegularFile(entry)) {
                    assertThat(Files.readAllBytes(copied)).as(what).isEqualTo(Files.readAllBytes(entry));
                }
            }
        }
    }
}
