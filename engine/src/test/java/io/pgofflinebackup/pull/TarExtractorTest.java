package io.pgofflinebackup.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
    @TempDir
    Path tmp;

    /** A tar made by GNU tar, as pull.sh makes it, comes out as it went in. */
    @Test
    void keepsFilesModesTimesLinksAndHardLinks() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("base/1"));
        Files.writeString(src.resolve("base/1/1234"), "table data");
        Files.write(src.resolve("big"), new byte[3 * 65536 + 17]);
        Files.createLink(src.resolve("base/1/hard"), src.resolve("base/1/1234"));
        Files.createSymbolicLink(src.resolve("pg_tblspc_link"), Path.of("/some/where/else"));
        Files.createDirectory(src.resolve("readonly"));
        Files.writeString(src.resolve("readonly/inside"), "x");
        Files.setPosixFilePermissions(src.resolve("base/1/1234"), PosixFilePermissions.fromString("rw-r-----"));
        Instant when = Instant.parse("2024-02-03T04:05:06.123456789Z");
        Files.setLastModifiedTime(src.resolve("base/1/1234"), FileTime.from(when));
        Files.setPosixFilePermissions(src.resolve("readonly"), PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwx------"));
        Path list = tmp.resolve("list");
        Files.writeString(list, ".\0base\0base/1\0base/1/1234\0base/1/hard\0big\0pg_tblspc_link\0readonly\0readonly/inside\0");
        Process tar = new ProcessBuilder("tar", "-C", src.toString(), "--null", "--no-recursion", "-T", list.toString(),
                "--format=posix", "-cf", "-").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path out = Files.createDirectory(tmp.resolve("out"));
        Map<String, String> sums = new TreeMap<>();
        TarExtractor.Summary summary;
        try (InputStream in = tar.getInputStream()) {
            summary = new TarExtractor(out).extract(in, (path, size, sha) -> sums.put(path, size + " " + sha));
        }
        assertThat(tar.waitFor()).isZero();

        assertThat(summary.files()).isEqualTo(4);
        assertThat(sums).containsEntry("base/1/1234", "10 " + sha("table data".getBytes(StandardCharsets.UTF_8)))
                .containsEntry("base/1/hard", "10 " + sha("table data".getBytes(StandardCharsets.UTF_8)))
                .containsEntry("big", (3 * 65536 + 17) + " " + sha(new byte[3 * 65536 + 17]))
                .containsKey("readonly/inside");
        assertThat(Files.readString(out.resolve("base/1/1234"))).isEqualTo("table data");
        assertThat(Files.getAttribute(out.resolve("base/1/hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(out.resolve("base/1/1234"), "unix:ino"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("base/1/1234"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.getLastModifiedTime(out.resolve("base/1/1234")).toInstant()).isEqualTo(when);
        assertThat(Files.readSymbolicLink(out.resolve("pg_tblspc_link"))).isEqualTo(Path.of("/some/where/else"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("readonly"))))
                .isEqualTo("r-x------");
        assertThat(Files.readString(out.resolve("readonly/inside"))).isEqualTo("x");
        assertThat(Files.getLastModifiedTime(out.resolve("readonly")))
                .isEqualTo(Files.getLastModifiedTime(src.resolve("readonly")));
        Files.setPosixFilePermissions(out.resolve("readonly"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(src.resolve("readonly"), PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void refusesDotDot() throws Exception {
        byte[] tar = tar(out -> file(out, "../escaped", "x"));
        assertRefused(tar, "..");
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }

    @Test
    void refusesDotDotInTheMiddle() throws Exception {
        byte[] tar = tar(out -> {
            directory(out, "a");
            file(out, "a/../../escaped", "x");
        });
        assertRefused(tar, "..");
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }

    @Test
    void refusesAbsoluteNames() throws Exception {
        Path outside = tmp.resolve("outside");
        byte[] tar = tar(out -> {
            TarArchiveEntry entry = new TarArchiveEntry(outside.toString(), true);
            entry.setSize(1);
            out.putArchiveEntry(entry);
            out.write('x');
            out.closeArchiveEntry();
        });
        assertRefused(tar, "absolute");
        assertThat(outside).doesNotExist();
    }

    @Test
    void refusesAFileBelowASymbolicLink() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        byte[] tar = tar(out -> {
            symlink(out, "link", elsewhere.toString());
            file(out, "link/planted", "x");
        });
        assertRefused(tar, "symbolic link");
        assertThat(elsewhere.resolve("planted")).doesNotExist();
    }

    @Test
    void refusesAFileWrittenOverASymbolicLink() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "untouched");
        byte[] tar = tar(out -> {
            symlink(out, "link", victim.toString());
            file(out, "link", "overwritten");
        });
        assertRefused(tar, "twice");
        assertThat(Files.readString(victim)).isEqualTo("untouched");
    }

    @Test
    void refusesADirectoryThroughASymbolicLink() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        byte[] tar = tar(out -> {
            symlink(out, "link", elsewhere.toString());
            directory(out, "link");
        });
        assertRefused(tar, "symbolic link");
    }

    @Test
    void refusesAHardLinkToSomethingOutside() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "s");
        byte[] tar = tar(out -> {
            TarArchiveEntry entry = new TarArchiveEntry("stolen", TarConstants.LF_LINK);
            entry.setLinkName("../secret");
            out.putArchiveEntry(entry);
            out.closeArchiveEntry();
        });
        assertRefused(tar, "..");
        assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
    }

    @Test
    void refusesAHardLinkToALink() throws Exception {
        byte[] tar = tar(out -> {
            symlink(out, "link", "/etc/passwd");
            TarArchiveEntry entry = new TarArchiveEntry("hard", TarConstants.LF_LINK);
            entry.setLinkName("link");
            out.putArchiveEntry(entry);
            out.closeArchiveEntry();
        });
        assertRefused(tar, "not a regular file");
    }

    @Test
    void refusesDevicesAndFifos() throws Exception {
        for (byte type : new byte[] {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO}) {
            Path out = Files.createTempDirectory(tmp, "dev");
            byte[] tar = tar(stream -> {
                TarArchiveEntry entry = new TarArchiveEntry("dev", type);
                stream.putArchiveEntry(entry);
                stream.closeArchiveEntry();
            });
            assertThatThrownBy(() -> new TarExtractor(out).extract(new ByteArrayInputStream(tar), (p, s, h) -> { }))
                    .isInstanceOf(TarRefusedException.class);
            assertThat(out.resolve("dev")).doesNotExist();
        }
    }

    @Test
    void refusesAnEntryTwice() throws Exception {
        byte[] tar = tar(out -> {
            file(out, "same", "first");
            file(out, "same", "second");
        });
        Path out = Files.createDirectory(tmp.resolve("out"));
        assertThatThrownBy(() -> new TarExtractor(out).extract(new ByteArrayInputStream(tar), (p, s, h) -> { }))
                .isInstanceOf(TarRefusedException.class).hasMessageContaining("twice");
        assertThat(Files.readString(out.resolve("same"))).isEqualTo("first");
    }

    @Test
    void aCutStreamIsAnError() throws Exception {
        byte[] tar = tar(out -> file(out, "whole", "x".repeat(5000)));
        byte[] cut = java.util.Arrays.copyOf(tar, 2048);
        Path out = Files.createDirectory(tmp.resolve("out"));
        assertThatThrownBy(() -> new TarExtractor(out).extract(new ByteArrayInputStream(cut), (p, s, h) -> { }))
                .isInstanceOf(IOException.class);
    }

    private void assertRefused(byte[] tar, String why) throws IOException {
        Path out = Files.createDirectory(tmp.resolve("out"));
        assertThatThrownBy(() -> new TarExtractor(out).extract(new ByteArrayInputStream(tar), (p, s, h) -> { }))
                .isInstanceOf(TarRefusedException.class).hasMessageContaining(why);
    }

    private interface Writer {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private static byte[] tar(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(out);
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream out, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream out, String name) throws IOException {
        out.putArchiveEntry(new TarArchiveEntry(name + "/"));
        out.closeArchiveEntry();
    }

    private static void symlink(TarArchiveOutputStream out, String name, String target) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }

    private static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

}
