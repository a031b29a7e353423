package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * checksum_files (lib.sh), the SHA-256 pass of every backup and verification, with each of the two
 * tools it may use for files from 1 MiB up: OpenSSL's digest where it is installed and gives the
 * known answer, coreutils' sha256sum otherwise (here: a PATH without openssl); smaller files always
 * go to sha256sum. Every file must get its hash under its exact name, names that the tools print
 * differently included.
 */
class ChecksumFilesTest {
    @TempDir
    Path work;

    @Test
    void bothToolsGiveEveryFileItsSha256UnderItsExactName() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree"));
        Files.createDirectories(tree.resolve("base/1"));
        byte[] big = new byte[70 * 1024 * 1024];
        new Random(7).nextBytes(big);
        Files.write(tree.resolve("base/1/16384"), big);
        // Each odd name twice: small (always sha256sum) and over 1 MiB (the tool chosen).
        Random random = new Random(11);
        for (String name : List.of("plain", "with space", "back\\slash", "tab\there", "star*", "*lead", "x)= y",
                "base/1/16384_fsm", "empty")) {
            Files.writeString(tree.resolve(name), name.equals("empty") ? "" : "contents of " + name,
                    StandardCharsets.UTF_8);
            byte[] mid = new byte[(1 << 20) + name.length()];
            random.nextBytes(mid);
            Files.write(tree.resolve(name + ".mid"), mid);
        }
        for (int i = 0; i < 150; i++) {
            Files.writeString(tree.resolve("base/1/" + (20000 + i)), Integer.toString(i), StandardCharsets.UTF_8);
        }
        Map<String, String> expected = sha256Of(tree);
        Path lib = work.resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());

        assertThat(ProcessRunner.run(List.of("sh", "-c", "command -v openssl"), Duration.ofSeconds(10)).succeeded())
                .as("openssl on this machine (scripts/test installs it)").isTrue();
        ProcessResult withOpenssl = checksumFiles(lib, tree, System.getenv("PATH"));
        assertThat(withOpenssl.stdout()).as("the tool chosen").startsWith("openssl dgst -sha256 -r\n");
        assertThat(parsed(withOpenssl)).isEqualTo(expected);

        ProcessResult withSha256sum = checksumFiles(lib, tree, pathWithout("openssl"));
        assertThat(withSha256sum.stdout()).as("the tool chosen").startsWith("sha256sum\n");
        assertThat(parsed(withSha256sum)).isEqualTo(expected);
    }

    private static ProcessResult checksumFiles(Path lib, Path tree, String path) {
        return ProcessRunner.run(List.of("sh", "-c", "TAB=$(printf '\\t'); . \"$1\"; sha256_files; checksum_files \"$2\"",
                "sh", lib.toString(), tree.toString()), Map.of("PATH", path), null, Duration.ofMinutes(2)).orThrow();
    }

    /** The "path<TAB>hash" lines after the first (the tool), as a map. */
    private static Map<String, String> parsed(ProcessResult result) {
        return result.stdout().lines().skip(1).collect(Collectors.toMap(
                line -> line.substring(0, line.lastIndexOf('\t')), line -> line.substring(line.lastIndexOf('\t') + 1),
                (a, b) -> {
                    throw new AssertionError("a name twice: " + a + ", " + b);
                }, TreeMap::new));
    }

    private static Map<String, String> sha256Of(Path tree) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sums.put(tree.relativize(file).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return sums;
    }

    /** A PATH of links to every command of this PATH but {@code command}. */
    private String pathWithout(String command) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin-without-" + command));
        for (String dir : System.getenv("PATH").split(":")) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(d)) {
                for (Path entry : entries.toList()) {
                    Path link = bin.resolve(entry.getFileName().toString());
                    if (!entry.getFileName().toString().equals(command) && !Files.exists(link)) {
                        Files.createSymbolicLink(link, entry);
                    }
                }
            }
        }
        return bin.toString();
    }
}
