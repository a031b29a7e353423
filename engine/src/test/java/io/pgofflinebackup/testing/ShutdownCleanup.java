package io.pgofflinebackup.testing;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Safety net for fixtures a test forgot to close: without it a crashed or sloppy test class would
 * leave sshd and postmaster processes running after the surefire fork exits.
 */
final class ShutdownCleanup {

    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownCleanup::closeAll, "pgob-fixture-cleanup"));
    }

    private ShutdownCleanup() {
    }

    static void register(AutoCloseable fixture) {
        OPEN.add(fixture);
    }

    static void unregister(AutoCloseable fixture) {
        OPEN.remove(fixture);
    }

    static boolean anyOpen() {
        return !OPEN.isEmpty();
    }

    private static void closeAll() {
        for (AutoCloseable fixture : new ArrayList<>(OPEN)) {
            System.err.println("Closing fixture left open by a test: " + fixture);
            try {
                fixture.close();
            } catch (Exception e) {
                System.err.println("Could not close " + fixture + ": " + e);
            }
        }
    }
}
