package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedHostKeysTest {
    @TempDir
    Path dir;

    @Test
    void newKeysAreRememberedOnce() throws Exception {
        TrustedHostKeys store = new TrustedHostKeys(dir.resolve("pg-offline-backup/known_hosts"));
        assertEquals("", store.read());

        List<String> first = store.merge("[db1]:2222 ssh-ed25519 AAAA1\n");
        assertEquals(1, first.size());
        assertTrue(first.get(0).startsWith("Trusted on first use: the ssh-ed25519 key of [db1]:2222"), first.get(0));
        assertEquals("[db1]:2222 ssh-ed25519 AAAA1\n", store.read());

        // The engine hands back the whole file: known lines are not added again.
        assertEquals(List.of(), store.merge("[db1]:2222 ssh-ed25519 AAAA1\n"));
        store.merge("[db1]:2222 ssh-ed25519 AAAA1\ndb2 ssh-ed25519 BBBB\n");
        assertEquals(List.of("[db1]:2222 ssh-ed25519 AAAA1", "db2 ssh-ed25519 BBBB"),
                Files.readAllLines(store.file()));
    }

    @Test
    void aDifferentKeyForAKnownHostIsNotTrusted() throws Exception {
        TrustedHostKeys store = new TrustedHostKeys(dir.resolve("known_hosts"));
        store.merge("db1 ssh-ed25519 FIRST\n");

        List<String> messages = store.merge("db1 ssh-ed25519 FIRST\ndb1 ssh-ed25519 SECOND\n");

        assertEquals(1, messages.size());
        assertTrue(messages.get(0).startsWith("NOT trusted"), messages.get(0));
        assertEquals("db1 ssh-ed25519 FIRST\n", store.read());
        // Another key type of the same host is a new key, not a conflict.
        store.merge("db1 ecdsa-sha2-nistp256 THIRD\n");
        assertEquals(List.of("db1 ssh-ed25519 FIRST", "db1 ecdsa-sha2-nistp256 THIRD"), Files.readAllLines(store.file()));
    }
}
