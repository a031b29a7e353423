package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order in which copy_entries hands plain files to its two cp (lib.sh): large files first,
 * largest first, then the others in the order they were found. The two lists then come out even
 * (each file goes to the one that holds fewer bytes so far), and the copy of a large file is done
 * early, so that its SHA-256, taken once cp is done with it, runs beside the rest of the copy.
 */
class CopyOrderTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void largeFilesComeFirstLargestFirstAndTheOthersKeepTheirOrder() throws Exception {
        Path list = records(
                "10", "small first",
                String.valueOf(70 * MIB), "big",
                "5", "-lead ing",
                String.valueOf(200 * MIB), "tab\there",
                String.valueOf(64 * MIB), "just large",
                String.valueOf(64 * MIB - 1), "just small",
                "0", "back\\slash");

        run("largest_first \"$WORK/list\" \"$WORK/out\"");

        assertThat(read(work.resolve("out"))).containsExactly(
                200 * MIB + "\ttab\there", 70 * MIB + "\tbig", 64 * MIB + "\tjust large",
                "10\tsmall first", "5\t-lead ing", (64 * MIB - 1) + "\tjust small", "0\tback\\slash");
        assertThat(work.resolve("out.nl")).as("its scratch file").doesNotExist();
        assertThat(list).exists();
    }

    @Test
    void theTwoListsOfACopyComeOutEven() throws Exception {
        // Found in this order, put where each fits as it comes, they would end 400 MiB against 200 MiB.
        records(String.valueOf(100 * MIB), "a", String.valueOf(100 * MIB), "b", String.valueOf(300 * MIB), "c",
                String.valueOf(100 * MIB), "d", "7", "small");

        run("largest_first \"$WORK/list\" \"$WORK/plain\" && split_by_bytes \"$WORK/plain\" \"$WORK/one\" \"$WORK/two\"");

        assertThat(read(work.resolve("one"))).containsExactly("c", "small");
        assertThat(read(work.resolve("two"))).containsExactly("a", "b", "d");
    }

    /** Writes copy_entries' NUL-terminated "<size><TAB><path>" records, from size and path pairs. */
    private Path records(String... sizesAndPaths) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sizesAndPaths.length; i += 2) {
            text.append(sizesAndPaths[i]).append('\t').append(sizesAndPaths[i + 1]).append('\0');
        }
        return Files.writeString(work.resolve("list"), text, StandardCharsets.UTF_8);
    }

    private static List<String> read(Path file) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).as(file + " ends with a NUL").endsWith("\0");
        return Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1));
    }

    private void run(String script) throws Exception {
        Path lib = work.resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());
        ProcessResult result = ProcessRunner.run(List.of("sh", "-c", ". \"$LIB\"\n" + script),
                Map.of("LIB", lib.toString(), "WORK", work.toString(), "PATH", System.getenv("PATH")), null,
                Duration.ofSeconds(30));
        assertThat(result.succeeded()).as(result.stdout() + result.stderr()).isTrue();
    }
}
