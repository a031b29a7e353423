package io.pgofflinebackup.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Loop-mounts a file system image. Test classes run in two JVMs at once, and mount's search for a
 * free loop device is not atomic across processes (two mounts may pick the same /dev/loopN), so the
 * mounts of all test JVMs on the machine take turns.
 */
public final class LoopMount {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private LoopMount() {
    }

    /** {@code mount -o loop image mountPoint}, failing with mount's message when it fails. */
    public static void mount(Path image, Path mountPoint) {
        mount(image, mountPoint, "loop");
    }

    /** {@code mount -o OPTIONS image mountPoint} (OPTIONS include "loop"), failing with mount's message. */
    public static void mount(Path image, Path mountPoint, String options) {
        TestUser.withMachineLock(() -> ProcessRunner.run(
                List.of("mount", "-o", options, image.toString(), mountPoint.toString()), TIMEOUT).orThrow());
    }

    /**
     * {@code umount mountPoint}; while something still has a file open there (a runner that has
     * reported its end may take a moment more to exit), it is detached at once instead, and the
     * kernel frees it (and its loop device) when that ends. Fails when neither works.
     */
    public static void unmount(Path mountPoint) {
        if (!ProcessRunner.run(List.of("umount", mountPoint.toString()), TIMEOUT).succeeded()) {
            ProcessRunner.run(List.of("umount", "-l", mountPoint.toString()), TIMEOUT).orThrow();
        }
    }
}
