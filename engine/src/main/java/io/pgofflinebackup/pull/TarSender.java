package io.pgofflinebackup.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a local directory as a POSIX tar stream, file by file as it is read (never a whole file in
 * memory): directories, regular files, symbolic links (as links) and hard links (as links to the
 * first name of the inode), with permission bits and modification times. Anything else (a socket,
 * a device) is refused: a backup never holds one.
 */
public final class TarSender {
    private final Path root;

    public TarSender(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Writes the stream and its end-of-archive marker; does not close {@code out}. Returns the bytes of file data. */
    public long send(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        Map<Object, String> firstNameOfInode = new HashMap<>();
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String name = path.equals(root) ? "." : root.relativize(path).toString();
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                TarArchiveEntry entry;
                if (attributes.isDirectory()) {
                    entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                } else if (attributes.isSymbolicLink()) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else if (attributes.isRegularFile()) {
                    Object inode = attributes.fileKey();
                    int links = ((Number) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
                    String first = links > 1 && inode != null ? firstNameOfInode.putIfAbsent(inode, name) : null;
                    if (first != null) {
                        entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
                        entry.setLinkName(first);
                    } else {
                        entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                        entry.setSize(attributes.size());
                    }
                } else {
                    throw new IOException(path + " is neither a file, a directory nor a link; a backup never holds one");
                }
                entry.setMode(mode(attributes));
                entry.setLastModifiedTime(attributes.lastModifiedTime());
                tar.putArchiveEntry(entry);
                if (entry.isFile() && entry.getLinkFlag() == TarConstants.LF_NORMAL) {
                    long left = attributes.size();
                    try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                        int n;
                        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                            tar.write(buffer, 0, n);
                            left -= n;
                        }
                    }
                    if (left != 0) {
                        throw new IOException(path + " changed while it was sent (shorter than its size)");
                    }
                    bytes += attributes.size();
                }
                tar.closeArchiveEntry();
            }
        }
        tar.finish();
        tar.flush();
        return bytes;
    }

    private static int mode(PosixFileAttributes attributes) {
        int mode = 0;
        for (PosixFilePermission permission : attributes.permissions()) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }
}
