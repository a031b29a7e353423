package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.ToolInFront;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHA-256 of a copy taken while it is written (lib.sh): copy_entries, given CE_SUMS_DIR, hands
 * each chunk of files that cp is done with to sum_chunks, whose workers hash it from the copy. Every
 * file cp copied must get the SHA-256 of its copy under "key/path", each once, whatever its name and
 * however the copy is cut into chunks; a chunk that cannot be hashed whole gets no sums at all (the
 * runner hashes its files afterwards), and chunks left over when the copy ends are still taken.
 */
class CopySumsTest {
    @TempDir
    static Path shared;

    @TempDir
    Path work;

    private static Path lib;
    private static Path source;
    private Path dest;
    private Path sums;

    @BeforeEach
    void dirs() throws Exception {
        dest = Files.createDirectories(work.resolve("dest"));
        sums = Files.createDirectories(work.resolve("sums"));
        Files.createFile(sums.resolve("ready"));
    }

    /** One source tree for every case: a copy only reads it. */
    @BeforeAll
    static void tree() throws Exception {
        lib = shared.resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());
        source = Files.createDirectories(shared.resolve("source"));
        Files.createDirectories(source.resolve("base/1"));
        Random random = new Random(5);
        // More files than one chunk of small files holds (8192), so a cp hands over more than one.
        for (int i = 0; i < 17000; i++) {
            Files.writeString(source.resolve("base/1/" + (16384 + i)), "row " + i, StandardCharsets.UTF_8);
        }
        // Large enough that a chunk handed over before cp is done with it would be hashed short.
        for (int i = 0; i < 3; i++) {
            byte[] big = new byte[48 * 1024 * 1024];
            random.nextBytes(big);
            Files.write(source.resolve("base/1/" + (90000 + i)), big);
        }
        for (String name : List.of("with space", "back\\slash", "tab\there", "star*", "-lead", "x)= y", "empty")) {
            Files.writeString(source.resolve(name), name.equals("empty") ? "" : "contents of " + name,
                    StandardCharsets.UTF_8);
        }
        // A hard-linked pair goes through tar, not cp: it is not hashed here, but by the runner.
        Files.writeString(source.resolve("linked"), "two names", StandardCharsets.UTF_8);
        Files.createLink(source.resolve("linked2"), source.resolve("linked"));
    }

    @Test
    void workersBesideTheCopyHashEveryCopiedFileOnceUnderItsKey() throws Exception {
        run("""
                (sum_chunks "$SUMS" 1 & sum_chunks "$SUMS" 2; wait) &
                workers=$!
                CE_SUMS_DIR=$SUMS CE_SUMS_KEY=tablespaces/16384 copy_area "$SOURCE" "$DEST" area "$WORK/copy.names"
                : > "$SUMS/end"; echo >> "$SUMS/ready"
                wait "$workers"
                """);

        Map<String, String> expected = sha256Of(dest, "tablespaces/16384/");
        expected.remove("tablespaces/16384/linked");
        expected.remove("tablespaces/16384/linked2");
        assertThat(summed()).isEqualTo(expected);
        assertThat(chunks(".sums")).as("chunks hashed, more than one for a cp").hasSizeGreaterThan(2);
        assertThat(chunks(".list")).as("chunks left").isEmpty();
    }

    @Test
    void chunksLeftWhenTheCopyEndsAreStillTaken() throws Exception {
        run("""
                CE_SUMS_DIR=$SUMS CE_SUMS_KEY=data copy_area "$SOURCE" "$DEST" area "$WORK/copy.names"
                : > "$SUMS/end"; echo >> "$SUMS/ready"
                sum_chunks "$SUMS" 1
                """);

        Map<String, String> expected = sha256Of(dest, "data/");
        expected.remove("data/linked");
        expected.remove("data/linked2");
        assertThat(summed()).isEqualTo(expected);
    }

    @Test
    void aChunkThatCannotBeHashedWholeGetsNoSums() throws Exception {
        // The copy of one file is gone before the workers come: its chunk must give no line at all,
        // rather than sums for the rest of it, and the other chunks are hashed as usual.
        run("""
                CE_SUMS_DIR=$SUMS CE_SUMS_KEY=data copy_area "$SOURCE" "$DEST" area "$WORK/copy.names"
                rm -- "$DEST/base/1/17000"
                : > "$SUMS/end"; echo >> "$SUMS/ready"
                sum_chunks "$SUMS" 1
                """);

        Map<String, String> summed = summed();
        Map<String, String> expected = sha256Of(dest, "data/");
        assertThat(summed).doesNotContainKey("data/base/1/17000").isNotEmpty();
        summed.forEach((key, hash) -> assertThat(hash).as(key).isEqualTo(expected.get(key)));
        List<String> missing = new ArrayList<>(expected.keySet());
        missing.removeAll(summed.keySet());
        missing.removeAll(List.of("data/linked", "data/linked2"));
        assertThat(missing).as("the files of the chunk left without sums").hasSizeBetween(1, 8191);
    }

    @Test
    void aWorkerGoingRoundWhenTheCopyEndsEndsAtOnce() throws Exception {
        // The runner ends the copy (end, then a line in ready) just as a worker goes round: here
        // while the worker reads the size of ready, by a wc in front of the real one. The worker
        // must see that end now, not after its wait (10 minutes here, a second in a run). Before
        // the fix it looked for the end before it read the size, and slept the whole wait.
        String path = ToolInFront.announcingOnce(work.resolve("bin"), "wc", sums.resolve("trigger"),
                sums.resolve("end"), sums.resolve("ready"));
        Files.createFile(sums.resolve("trigger"));

        run(path, Duration.ofSeconds(60), """
                sum_chunks "$SUMS" 1 600
                """);

        assertThat(sums.resolve("trigger")).as("the end came while the worker read the size").doesNotExist();
    }

    private void run(String script) {
        run(System.getenv("PATH"), Duration.ofMinutes(2), script);
    }

    private void run(String path, Duration timeout, String script) {
        ProcessResult result = ProcessRunner.run(List.of("sh", "-c", ". \"$LIB\"\n" + script), Map.of(
                "LIB", lib.toString(), "SOURCE", source.toString(), "DEST", dest.toString(), "SUMS", sums.toString(),
                "WORK", work.toString(), "PATH", path), null, timeout);
        assertThat(result.succeeded()).as(result.stdout() + result.stderr()).isTrue();
    }

    /** Every "key<TAB>hash" line the workers wrote, each key once. */
    private Map<String, String> summed() throws Exception {
        Map<String, String> lines = new TreeMap<>();
        for (Path file : chunks(".sums")) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String key = line.substring(0, line.lastIndexOf('\t'));
                assertThat(lines.put(key, line.substring(line.lastIndexOf('\t') + 1))).as("twice: " + key).isNull();
            }
        }
        return lines;
    }

    private List<Path> chunks(String suffix) throws Exception {
        try (Stream<Path> files = Files.walk(sums)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static Map<String, String> sha256Of(Path tree, String prefix) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sums.put(prefix + tree.relativize(file), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return sums;
    }
}
