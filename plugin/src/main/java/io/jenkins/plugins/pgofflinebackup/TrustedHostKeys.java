package io.jenkins.plugins.pgofflinebackup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host keys trusted on first use, kept on the controller in known_hosts format so that every
 * agent a backup runs on checks against the same memory (an agent's own file would be forgotten
 * with the agent, and trusting again on every new agent is no check at all). A backup gets a copy,
 * the engine appends a new host's key to it, and {@link #merge} takes the new lines back.
 *
 * <p>Host keys are public: the copy on the agent's disk holds nothing secret.
 */
final class TrustedHostKeys {
    /** One store per file, but several builds merge at once: they take turns. */
    private static final Object LOCK = new Object();

    private final Path file;

    TrustedHostKeys(Path file) {
        this.file = file;
    }

    /** The store under {@code $JENKINS_HOME/pg-offline-backup/known_hosts}. */
    static TrustedHostKeys onController() {
        return new TrustedHostKeys(jenkins.model.Jenkins.get().getRootDir().toPath()
                .resolve("pg-offline-backup").resolve("known_hosts"));
    }

    Path file() {
        return file;
    }

    String read() throws IOException {
        synchronized (LOCK) {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
    }

    /**
     * Adds the lines of {@code updated} that the store lacks. A line for a host and key type the
     * store already holds with another key is refused: two builds that both met a host for the
     * first time saw different keys, and only the first is trusted.
     *
     * @return one message per line added or refused, for the build log
     */
    List<String> merge(String updated) throws IOException {
        List<String> messages = new ArrayList<>();
        synchronized (LOCK) {
            Set<String> lines = new LinkedHashSet<>(lines(read()));
            boolean changed = false;
            for (String line : lines(updated)) {
                if (lines.contains(line)) {
                    continue;
                }
                String[] fields = line.split("\\s+");
                if (fields.length < 3) {
                    continue;
                }
                String conflict = conflict(lines, fields[0], fields[1]);
                if (conflict != null) {
                    messages.add(Messages.TrustedHostKeys_conflict(fields[0], fields[1], file));
                    continue;
                }
                lines.add(line);
                changed = true;
                messages.add(Messages.TrustedHostKeys_added(fields[0], fields[1], file));
            }
            if (changed) {
                write(String.join("\n", lines) + "\n");
            }
        }
        return messages;
    }

    private static String conflict(Set<String> lines, String host, String type) {
        for (String line : lines) {
            String[] fields = line.split("\\s+");
            if (fields.length >= 3 && fields[0].equals(host) && fields[1].equals(type)) {
                return line;
            }
        }
        return null;
    }

    private static List<String> lines(String text) {
        List<String> result = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                result.add(trimmed);
            }
        }
        return result;
    }

    /** Replaces the file in one step, so a reader never sees half of it. */
    private void write(String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "known_hosts", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
