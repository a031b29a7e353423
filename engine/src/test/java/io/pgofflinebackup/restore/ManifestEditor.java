package io.pgofflinebackup.restore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Test helper: changes a backup the way a consistent writer would (new size and SHA-256 in
 * manifest.json, its closing checksum recomputed), to build a backup that verifies and still fails
 * later. The backup_manifest for pg_verifybackup is dropped, as an older backup would not have one.
 */
public final class ManifestEditor {
    private ManifestEditor() {
    }

    /** Replaces text in manifest.json and seals it again with a correct checksum. */
    public static void edit(Path backupDir, String from, String to) throws Exception {
        Path manifest = backupDir.resolve("manifest.json");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(manifest, StandardCharsets.UTF_8));
        lines.replaceAll(line -> line.replace(from, to));
        seal(manifest, lines);
    }

    public static void resync(Path backupDir, List<String> changedPaths) throws Exception {
        Path manifest = backupDir.resolve("manifest.json");
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        for (String path : changedPaths) {
            Path file = backupDir.resolve("data").resolve(path);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            String prefix = "    {\"path\": \"" + path + "\",";
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    lines.set(i, lines.get(i).replaceAll("\"size\": \\d+", "\"size\": " + Files.size(file))
                            .replaceAll("\"sha256\": \"[0-9a-f]+\"", "\"sha256\": \"" + sha + "\""));
                }
            }
        }
        seal(manifest, lines);
        Files.deleteIfExists(backupDir.resolve("backup_manifest"));
    }

    private static void seal(Path manifest, List<String> lines) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String line : lines.subList(0, lines.size() - 1)) {
            body.append(line).append('\n');
        }
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.toString().getBytes(StandardCharsets.UTF_8)));
        Files.writeString(manifest, body + "  \"manifestChecksum\": \"" + sum + "\"}\n", StandardCharsets.UTF_8);
    }
}
