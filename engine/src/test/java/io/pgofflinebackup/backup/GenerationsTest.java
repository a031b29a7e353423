package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generations: a backup into a destination that holds an earlier complete backup of the cluster
 * hard-links the files that did not change, never writes into them, and stands on its own once the
 * older one is gone. --keep removes the oldest complete backups of the cluster and nothing else.
 * Whether copied or linked, and restored again, every entry keeps its mode, times and links.
 */
class GenerationsTest {
    private static final String STATE = "SELECT count(*), sum(abalance), (SELECT count(*) FROM notes) FROM pgbench_accounts";
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
    void generationsShareUnchangedFilesAndEachRestoresAfterTheOlderOneIsDeleted() throws Exception {
        PgCluster cluster = host.cluster();
        cluster.query("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        Path dest = host.dest();
        List<BackupResult> generations = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int generation = 1; generation <= 3; generation++) {
            cluster.query("INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(" + generation * 1000 + ", "
                    + (generation * 1000 + 499) + ") g; UPDATE pgbench_accounts SET abalance = abalance + " + generation
                    + " WHERE aid <= 10");
            expected.add(cluster.query(STATE));
            BackupResult result = RealHostSupport.backup(host.request(cluster, dest).build());
            assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
            generations.add(result);
        }
        Path first = Path.of(generations.get(0).backupPath());
        Path second = Path.of(generations.get(1).backupPath());
        Path third = Path.of(generations.get(2).backupPath());

        JsonNode method = manifest(second).path("method");
        assertThat(method.path("name").asText()).isEqualTo("copy");
        assertThat(method.path("linkedFrom").asText()).isEqualTo(generations.get(0).backupId());
        assertThat(method.path("linkedFiles").asLong()).isPositive();
        assertThat(manifest(first).path("method").path("linkedFrom").isNull()).isTrue();
        // Unchanged files are one inode in every generation; what changed (pg_control at every checkpoint,
        // the table written to) is a file of its own.
        assertThat(inode(second.resolve("data/PG_VERSION"))).isEqualTo(inode(first.resolve("data/PG_VERSION")));
        assertThat(inode(third.resolve("data/PG_VERSION"))).isEqualTo(inode(first.resolve("data/PG_VERSION")));
        assertThat(inode(second.resolve("data/global/pg_control"))).isNotEqualTo(inode(first.resolve("data/global/pg_control")));
        String notes = cluster.query("SELECT pg_relation_filepath('notes')");
        assertThat(inode(third.resolve("data").resolve(notes))).isNotEqualTo(inode(second.resolve("data").resolve(notes)));
        // No generation was written into through a link: each still has the content its manifest records.
        for (BackupResult generation : generations) {
            VerifyReport report = host.verify(cluster, Path.of(generation.backupPath()));
            assertThat(report.problems()).as(generation.backupId()).isEmpty();
        }

        // The oldest goes (as --keep or a DBA would remove it); the others keep every file they need.
        ProcessRunner.run(List.of("rm", "-rf", first.toString()), Duration.ofMinutes(1));
        assertThat(host.verify(cluster, second).problems()).isEmpty();
        assertThat(host.startCopyOf(second.resolve("data")).query(STATE)).isEqualTo(expected.get(1));
        assertThat(host.startCopyOf(third.resolve("data")).query(STATE)).isEqualTo(expected.get(2));
    }

    @Test
    void noLinkCopiesEveryFile() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = host.dest();
        BackupResult first = RealHostSupport.backup(host.request(cluster, dest).build());
        BackupResult second = RealHostSupport.backup(host.request(cluster, dest).link(false).build());

        assertThat(second.ok()).as(String.valueOf(second.errorMessage())).isTrue();
        assertThat(manifest(Path.of(second.backupPath())).path("method").path("linkedFrom").isNull()).isTrue();
        assertThat(inode(Path.of(second.backupPath(), "data/PG_VERSION")))
                .isNotEqualTo(inode(Path.of(first.backupPath(), "data/PG_VERSION")));
    }

    @Test
    void keepRemovesOnlyTheOldestCompleteBackupsOfThisCluster() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = host.dest();
        BackupResult a1 = RealHostSupport.backup(host.request(cluster, dest).keep(2).build());
        assertThat(a1.ok()).as(String.valueOf(a1.errorMessage())).isTrue();
        assertThat(a1.removedBackups()).isEmpty();

        // Things that look like backups but are not ours to remove, all older than any real one.
        Path noManifest = Files.createDirectories(dest.resolve("20200101T000000Z"));
        Files.writeString(noManifest.resolve("notes.txt"), "a DBA's own directory");
        Path otherCluster = dest.resolve("20200101T000001Z");
        copyTree(Path.of(a1.backupPath()), otherCluster);
        String systemId = manifest(otherCluster).path("postgres").path("systemIdentifier").asText();
        editAndSeal(otherCluster, List.of(new String[] {"\"" + a1.backupId() + "\"", "\"20200101T000001Z\""},
                new String[] {"\"systemIdentifier\": \"" + systemId + "\"", "\"systemIdentifier\": \"1234\""}));
        Path edited = dest.resolve("20200101T000002Z");
        copyTree(Path.of(a1.backupPath()), edited);
        editAndSeal(edited, List.<String[]>of(new String[] {"\"" + a1.backupId() + "\"", "\"20200101T000002Z\""}));
        Files.writeString(edited.resolve("manifest.json"), Files.readString(edited.resolve("manifest.json"))
                .replace("\"kind\": \"offline-full\"", "\"kind\": \"offline-fulL\""));
        Path partial = Files.createDirectories(dest.resolve(".20200101T000003Z.partial"));
        Path leftover = Files.createDirectories(dest.resolve(".20200101T000004Z.deleting/data"));
        ProcessRunner.run(List.of("chown", "-R", host.user.name(), dest.toString()), Duration.ofSeconds(30));
        List<String> foreign = List.of("20200101T000000Z", "20200101T000001Z", "20200101T000002Z",
                ".20200101T000003Z.partial");

        BackupResult a2 = RealHostSupport.backup(host.request(cluster, dest).keep(2).build());
        assertThat(a2.ok()).as(String.valueOf(a2.errorMessage())).isTrue();
        assertThat(a2.removedBackups()).isEmpty();
        assertThat(leftover.getParent()).doesNotExist();
        BackupResult a3 = RealHostSupport.backup(host.request(cluster, dest).keep(2).build());
        assertThat(a3.ok()).as(String.valueOf(a3.errorMessage())).isTrue();

        assertThat(a3.removedBackups()).containsExactly(a1.backupId());
        assertThat(RealHostSupport.entries(dest)).containsExactlyInAnyOrder(a2.backupId(), a3.backupId(),
                foreign.get(0), foreign.get(1), foreign.get(2), foreign.get(3));
        assertThat(partial).exists();
        assertThat(noManifest.resolve("notes.txt")).exists();
        // The one left, made with links to the one removed, is whole.
        assertThat(host.verify(cluster, Path.of(a2.backupPath())).problems()).isEmpty();
        assertThat(Files.readString(Path.of(a3.logPath()))).contains("--keep 2: removing the backup " + a1.backupId());
    }

    /**
     * The previous backup a generation links to is the newest complete one of this cluster: names
     * are tried newest first (a suffix counts as a number), and what is newer but not complete, or
     * of another cluster, is passed over.
     */
    @Test
    void theNewestCompleteBackupOfThisClusterIsTheOneLinkedTo() throws Exception {
        PgCluster cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        Path dest = host.dest();
        BackupResult first = RealHostSupport.backup(host.request(cluster, dest).build());
        assertThat(first.ok()).as(String.valueOf(first.errorMessage())).isTrue();
        String id = first.backupId();
        for (String copy : List.of(id + "-2", id + "-10", id + "-11")) {
            copyTree(Path.of(first.backupPath()), dest.resolve(copy));
            editAndSeal(dest.resolve(copy), List.<String[]>of(new String[] {"\"" + id + "\"", "\"" + copy + "\""}));
        }
        // Newer, but its manifest no longer matches its seal.
        Path unsealed = dest.resolve(id + "-11").resolve("manifest.json");
        Files.writeString(unsealed, Files.readString(unsealed).replace("\"kind\": \"offline-full\"",
                "\"kind\": \"offline-fulL\""));
        // Newest of all, complete, but of another cluster.
        Path other = dest.resolve("29991231T235959Z");
        copyTree(Path.of(first.backupPath()), other);
        String systemId = manifest(other).path("postgres").path("systemIdentifier").asText();
        editAndSeal(other, List.of(new String[] {"\"" + id + "\"", "\"29991231T235959Z\""},
                new String[] {"\"systemIdentifier\": \"" + systemId + "\"", "\"systemIdentifier\": \"1234\""}));
        ProcessRunner.run(List.of("chown", "-R", host.user.name(), dest.toString()), Duration.ofSeconds(30));

        BackupResult next = RealHostSupport.backup(host.request(cluster, dest).build());

        assertThat(next.ok()).as(String.valueOf(next.errorMessage())).isTrue();
        JsonNode method = manifest(Path.of(next.backupPath())).path("method");
        assertThat(method.path("linkedFrom").asText()).isEqualTo(id + "-10");
        assertThat(method.path("linkedFiles").asLong()).isPositive();
        assertThat(inode(Path.of(next.backupPath(), "data/PG_VERSION")))
                .isEqualTo(inode(dest.resolve(id + "-10").resolve("data/PG_VERSION")));
        assertThat(host.verify(cluster, Path.of(next.backupPath())).problems()).isEmpty();
    }

    private static JsonNode manifest(Path backup) throws Exception {
        return new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
    }

    private static Object inode(Path file) throws Exception {
        return Files.getAttribute(file, "unix:ino");
    }

    private static void copyTree(Path from, Path to) {
        host.user.runAs(List.of("cp", "-a", from.toString(), to.toString()), Duration.ofMinutes(1)).orThrow();
    }

    /** Replaces text in manifest.json and seals it again, as a consistent writer would. */
    private static void editAndSeal(Path backup, List<String[]> replacements) throws Exception {
        Path manifest = backup.resolve("manifest.json");
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest, StandardCharsets.UTF_8));
        for (String[] r : replacements) {
            lines.replaceAll(line -> line.replace(r[0], r[1]));
        }
        StringBuilder body = new StringBuilder();
        for (String line : lines.subList(0, lines.size() - 1)) {
            body.append(line).append('\n');
        }
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.toString().getBytes(StandardCharsets.UTF_8)));
        Files.writeString(manifest, body + "  \"manifestChecksum\": \"" + sum + "\"}\n", StandardCharsets.UTF_8);
    }

    /**
     * What the copy keeps of each entry, whichever way it is copied (plain files by cp, the rest by
     * tar; a fresh backup, a linked generation, a restore): modes, modification times to the
     * nanosecond (of directories too, which the copying into them must not disturb; a read-only one
     * included), hard links between files and symbolic links as they are.
     */
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
        // Read-only: the copy must still put files into it (as the cluster's user, not root).
        Files.setPosixFilePermissions(keep.resolve("inner"), PosixFilePermissions.fromString("r-x------"));
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
