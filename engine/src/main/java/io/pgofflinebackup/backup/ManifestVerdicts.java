package io.pgofflinebackup.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records, in a manifest.json the runner wrote, the verdicts of checks made after it: the
 * pg_verifybackup and pg_checksums of a pulled copy, which only the machine that holds the copy can
 * run. Everything but the three verdict fields stays byte for byte as the runner wrote it, and the
 * manifest's own checksum (the SHA-256 of every line before the last, as the runner and verify
 * compute it) is taken again over the new text. A manifest that does not check out as written is
 * refused rather than rewritten.
 */
final class ManifestVerdicts {
    private static final Pattern VERDICTS = Pattern.compile(
            "\"pgVerifybackup\": \"[a-z]*\", \"pgVerifybackupChecked\": \"[^\"]*\", \"pgChecksums\": \"[a-z]*\"");
    private static final Pattern LAST_LINE = Pattern.compile("  \"manifestChecksum\": \"([0-9a-f]{64})\"}\n");

    private ManifestVerdicts() {
    }

    /** The verdicts as the manifest records them; {@code checked} says what pg_verifybackup checked. */
    record Verdicts(String pgVerifybackup, String checked, String pgChecksums) {
    }

    static void record(Path manifest, Verdicts verdicts) throws IOException {
        // Byte for byte: a name in the manifest need not be UTF-8, and ISO-8859-1 maps every byte to a char.
        String text = Files.readString(manifest, StandardCharsets.ISO_8859_1);
        int last = text.lastIndexOf('\n', text.length() - 2) + 1;
        Matcher end = LAST_LINE.matcher(text.substring(last));
        if (!end.matches() || !end.group(1).equals(sha256(text.substring(0, last)))) {
            throw new IOException(manifest + " does not end with the checksum of what it holds");
        }
        String body = text.substring(0, last);
        Matcher fields = VERDICTS.matcher(body);
        if (!fields.find()) {
            throw new IOException(manifest + " has no verification verdicts to record");
        }
        String replaced = body.substring(0, fields.start()) + "\"pgVerifybackup\": \"" + verdicts.pgVerifybackup()
                + "\", \"pgVerifybackupChecked\": \"" + verdicts.checked() + "\", \"pgChecksums\": \""
                + verdicts.pgChecksums() + "\"" + body.substring(fields.end());
        Path written = manifest.resolveSibling(manifest.getFileName() + ".tmp");
        Files.deleteIfExists(written);
        Files.createFile(written);
        if (Files.getFileStore(manifest).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(written, Files.getPosixFilePermissions(manifest));
        }
        Files.writeString(written, replaced + "  \"manifestChecksum\": \"" + sha256(replaced) + "\"}\n",
                StandardCharsets.ISO_8859_1);
        Files.move(written, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
