package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgofflinebackup.runner.JobLog;
import io.pgofflinebackup.testing.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts of the checks a pulled copy gets on the client, recorded in the manifest.json the
 * runner wrote: only those three fields change, byte for byte everything else stays (a name need
 * not be UTF-8), and the manifest's own checksum is the one lib.sh's sealed_manifest (what verify,
 * restore and --keep trust) computes over the new text. A manifest that does not check out as
 * written is not touched, nor is one whose checks could not run here (PulledCopyChecks without the
 * binaries).
 */
class ManifestVerdictsTest {
    @TempDir
    Path work;

    private Path manifest;
    private byte[] before;

    @BeforeEach
    void manifest() throws Exception {
        manifest = work.resolve("manifest.json");
        byte[] body = ("{\n  \"formatVersion\": 2,\n"
                + "  \"verification\": {\"method\": \"file list\", \"passed\": true, \"files\": 2, \"bytes\": 9,"
                + " \"checksums\": \"sha256\", \"pgVerifybackup\": \"skipped\", \"pgVerifybackupChecked\": \"\","
                + " \"pgChecksums\": \"skipped\"},\n"
                + "  \"files\": [\n    {\"path\": \"caf\u00e9\", \"size\": 4},\n    {\"path\": \"raw-\u00ff\u00fe\","
                + " \"size\": 5}\n  ],\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(manifest, body);
        run("printf '  \"manifestChecksum\": \"%s\"}\\n' \"$(sha256sum < \"$1\" | cut -d ' ' -f 1)\" >> \"$1\"");
        assertThat(sealed()).as("a manifest as the runner seals it").isTrue();
        before = Files.readAllBytes(manifest);
    }

    @Test
    void onlyTheVerdictsChangeAndTheManifestStaysSealed() throws Exception {
        ManifestVerdicts.record(manifest, new ManifestVerdicts.Verdicts("passed", "WAL, file list and sizes", "failed"));

        assertThat(sealed()).isTrue();
        String was = new String(before, StandardCharsets.ISO_8859_1);
        String now = Files.readString(manifest, StandardCharsets.ISO_8859_1);
        String expected = was.replace("\"pgVerifybackup\": \"skipped\", \"pgVerifybackupChecked\": \"\","
                + " \"pgChecksums\": \"skipped\"", "\"pgVerifybackup\": \"passed\", \"pgVerifybackupChecked\":"
                + " \"WAL, file list and sizes\", \"pgChecksums\": \"failed\"");
        assertThat(now.substring(0, now.lastIndexOf("  \"manifestChecksum\"")))
                .isEqualTo(expected.substring(0, expected.lastIndexOf("  \"manifestChecksum\"")));
        assertThat(Files.readAllBytes(manifest)).contains(0xff - 256, 0xfe - 256);
        assertThat(work.resolve("manifest.json.tmp")).doesNotExist();
    }

    @Test
    void aManifestThatDoesNotCheckOutIsLeftAsItIs() throws Exception {
        String edited = new String(before, StandardCharsets.ISO_8859_1).replace("\"files\": 2", "\"files\": 3");
        Files.writeString(manifest, edited, StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> ManifestVerdicts.record(manifest,
                new ManifestVerdicts.Verdicts("passed", "", "passed"))).isInstanceOf(IOException.class)
                .hasMessageContaining("does not end with the checksum of what it holds");
        assertThat(Files.readString(manifest, StandardCharsets.ISO_8859_1)).isEqualTo(edited);
    }

    /**
     * A pulled copy on a machine without the cluster's major version: both checks say so in the log,
     * the verdicts stay skipped, and the manifest is not touched.
     */
    @Test
    void withoutTheBinariesHereAPulledCopyStaysSkipped() throws Exception {
        Files.writeString(work.resolve("backup_manifest"), "{}\n");
        Files.writeString(work.resolve("backup.log"), "the runner's log\n");
        JobLog log = new JobLog(ProgressListener.NONE, Clock.systemUTC());

        ManifestVerdicts.Verdicts verdicts = new PulledCopyChecks(work, "99", log, Clock.systemUTC(), Boolean.TRUE)
                .run("skipped", "skipped");

        assertThat(verdicts).isEqualTo(new ManifestVerdicts.Verdicts("skipped", "", "skipped"));
        assertThat(Files.readAllBytes(manifest)).isEqualTo(before);
        assertThat(Files.readString(work.resolve("backup.log"))).startsWith("the runner's log\n")
                .contains("pg_verifybackup skipped on this machine too: it has no pg_verifybackup of PostgreSQL 99"
                        + " (looked in /usr/lib/postgresql/99/bin")
                .contains("pg_checksums skipped on this machine too: it has no pg_checksums of PostgreSQL 99");
        assertThat(log.warnings()).isEmpty();
    }

    private boolean sealed() throws IOException {
        return RealHostSupport.sealedByLib(manifest);
    }

    private void run(String script) {
        assertThat(ProcessRunner.run(List.of("sh", "-c", script, "sh", manifest.toString()), Duration.ofSeconds(30))
                .succeeded()).isTrue();
    }
}
