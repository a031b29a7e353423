package io.pgofflinebackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small XFS file system with reflinks (mkfs.xfs -m reflink=1) in an image file, loop-mounted
 * below the build's work directory, for clusters whose files can be cloned copy-on-write. Needs
 * root and xfsprogs (scripts/test installs it). close() unmounts it and deletes the image; clusters
 * on it must be stopped first.
 */
public final class XfsMount implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final Path image;
    private final Path mountPoint;
    private boolean closed;

    private XfsMount(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
        ShutdownCleanup.register(this);
    }

    public static XfsMount create() {
        Path dir = TestUser.newWorkDir("xfs");
        Path image = dir.resolve("xfs.img");
        Path mountPoint = dir.resolve("mnt");
        try {
            Files.createDirectory(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + mountPoint, e);
        }
        // XFS wants at least 300 MB; the image is sparse, so it costs what is written.
        ProcessRunner.run(List.of("truncate", "-s", "2G", image.toString()), TIMEOUT).orThrow();
        ProcessRunner.run(List.of("mkfs.xfs", "-q", "-m", "reflink=1", image.toString()), TIMEOUT).orThrow();
        LoopMount.mount(image, mountPoint);
        XfsMount mount = new XfsMount(image, mountPoint);
        ProcessRunner.run(List.of("chmod", "755", mountPoint.toString()), TIMEOUT).orThrow();
        return mount;
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownCleanup.unregister(this);
        LoopMount.unmount(mountPoint);
        try {
            Files.deleteIfExists(image);
            Files.deleteIfExists(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + image, e);
        }
    }
}
