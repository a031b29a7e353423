package io.pgofflinebackup.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a tar stream into a directory as it arrives (never a whole file in memory), computing the
 * SHA-256 of every regular file on the way. The stream comes from another machine, so nothing in
 * it is trusted: an absolute name, a ".." component, an entry that would be written through a
 * symbolic link (a link first, then a file "below" it), an entry that replaces one already
 * written, a hard link to anything but a regular file written before, and device files, FIFOs and
 * sparse entries are all refused with a {@link TarRefusedException}, and extraction stops there.
 * Kept: regular files, directories, symbolic links (stored as they are, never followed), hard
 * links, permission bits and modification times (directories' once their content is written).
 */
public final class TarExtractor {
    /** Told of each regular file (a hard link too) once it is on disk, in stream order. */
    @FunctionalInterface
    public interface FileListener {
        void file(String path, long size, String sha256) throws IOException;
    }

    /** What one stream held. */
    public record Summary(long files, long bytes, long entries) {
    }

    private record DirectoryAttributes(Path path, int mode, FileTime mtime) {
    }

    private static final int BUFFER = 1 << 16;

    private final Path root;

    /** {@code root} must be an existing directory; the stream's "." is that directory. */
    public TarExtractor(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Summary extract(InputStream tar, FileListener listener) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(root + " is not a directory");
        }
        List<DirectoryAttributes> directories = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        long entries = 0;
        byte[] buffer = new byte[BUFFER];
        // Not closed here: the caller owns the stream (an SSH channel whose end it checks).
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            entries++;
            String name = relativeName(entry.getName());
            Path target = name.isEmpty() ? root : root.resolve(name);
            if (!name.isEmpty()) {
                prepareParents(name);
            }
            int mode = entry.getMode() & 0777;
            FileTime mtime = entry.getLastModifiedTime();
            byte flag = entry.getLinkFlag();
            if (entry.isSparse()) {
                throw new TarRefusedException("'" + entry.getName() + "' is a sparse file entry; the stream only ever holds plain files");
            } else if (entry.isDirectory()) {
                if (!name.isEmpty()) {
                    if (Files.isSymbolicLink(target)) {
                        throw new TarRefusedException("'" + name + "' is a symbolic link already; a directory would be written through it");
                    }
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        create(() -> Files.createDirectory(target), name);
                    }
                }
                directories.add(new DirectoryAttributes(target, mode, mtime));
            } else if (entry.isSymbolicLink()) {
                requireNamed(name, entry);
                String linkTarget = entry.getLinkName();
                if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
                    throw new TarRefusedException("'" + name + "' is a symbolic link without a usable target");
                }
                create(() -> Files.createSymbolicLink(target, Path.of(linkTarget)), name);
                setTimes(target, mtime, true);
            } else if (entry.isLink()) {
                requireNamed(name, entry);
                String existingName = relativeName(entry.getLinkName());
                Path existing = root.resolve(existingName);
                if (existingName.isEmpty() || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)
                        || !parentsAreDirectories(existingName)) {
                    throw new TarRefusedException("'" + name + "' is a hard link to '" + entry.getLinkName()
                            + "', which is not a regular file written before it");
                }
                create(() -> Files.createLink(target, existing), name);
                long size = Files.size(target);
                listener.file(name, size, sha256Of(target, buffer));
                files++;
                bytes += size;
            } else if (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                    || flag == TarConstants.LF_CONTIG) {
                requireNamed(name, entry);
                MessageDigest digest = sha256();
                long written = 0;
                OutputStream out;
                try {
                    // CREATE_NEW: fails on anything already there, a dangling symbolic link included.
                    out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (FileAlreadyExistsException e) {
                    throw new TarRefusedException("'" + name + "' appears twice in the stream, or would be written over"
                            + " something already there");
                }
                try (out) {
                    // Read from the tar stream itself: it ends at the end of this entry's data.
                    int n;
                    while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                        digest.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                        written += n;
                    }
                }
                if (written != entry.getSize()) {
                    throw new IOException("'" + name + "' ended after " + written + " of its " + entry.getSize()
                            + " bytes: the stream was cut");
                }
                Files.setPosixFilePermissions(target, permissions(mode));
                setTimes(target, mtime, false);
                listener.file(name, written, HexFormat.of().formatHex(digest.digest()));
                files++;
                bytes += written;
            } else {
                throw new TarRefusedException("'" + entry.getName() + "' is " + describe(entry)
                        + "; a backup stream holds only files, directories and links");
            }
        }
        // Deepest last in the stream, so first here: a directory's time is set after its content.
        for (int i = directories.size() - 1; i >= 0; i--) {
            DirectoryAttributes directory = directories.get(i);
            Files.setPosixFilePermissions(directory.path(), permissions(directory.mode() | 0700));
            setTimes(directory.path(), directory.mtime(), false);
        }
        for (DirectoryAttributes directory : directories) {
            if ((directory.mode() & 0700) != 0700) {
                Files.setPosixFilePermissions(directory.path(), permissions(directory.mode()));
            }
        }
        return new Summary(files, bytes, entries);
    }

    /** The entry's name below the root, "" for the root itself; refuses what would leave the root. */
    static String relativeName(String raw) throws TarRefusedException {
        if (raw.indexOf('\0') >= 0 || raw.indexOf('\n') >= 0) {
            throw new TarRefusedException("an entry name holds a NUL or a line break: " + raw.replace('\0', '?'));
        }
        if (raw.startsWith("/")) {
            throw new TarRefusedException("'" + raw + "' is an absolute name; a backup stream holds only names below its root");
        }
        StringBuilder name = new StringBuilder();
        for (String part : raw.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new TarRefusedException("'" + raw + "' holds '..'; a backup stream holds only names below its root");
            }
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    /** Every directory above NAME exists as a real directory (created if missing), never a link. */
    private void prepareParents(String name) throws IOException {
        Path current = root;
        String[] parts = name.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = current.resolve(parts[i]);
            if (Files.isSymbolicLink(current)) {
                throw new TarRefusedException("'" + name + "' would be written through the symbolic link '"
                        + root.relativize(current) + "'");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Path missing = current;
                create(() -> Files.createDirectory(missing), root.relativize(missing).toString());
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new TarRefusedException("'" + name + "' lies below '" + root.relativize(current)
                        + "', which is not a directory");
            }
        }
    }

    private boolean parentsAreDirectories(String name) {
        Path current = root;
        String[] parts = name.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = current.resolve(parts[i]);
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    private interface Creation {
        void run() throws IOException;
    }

    private static void create(Creation creation, String name) throws IOException {
        try {
            creation.run();
        } catch (FileAlreadyExistsException e) {
            throw new TarRefusedException("'" + name + "' appears twice in the stream, or would be written over"
                    + " something already there");
        }
    }

    private static void requireNamed(String name, TarArchiveEntry entry) throws TarRefusedException {
        if (name.isEmpty()) {
            throw new TarRefusedException("'" + entry.getName() + "' names the root directory but is not a directory");
        }
    }

    private static String describe(TarArchiveEntry entry) {
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            return "a device file";
        }
        if (entry.isFIFO()) {
            return "a FIFO";
        }
        return "an entry of tar type '" + (char) entry.getLinkFlag() + "'";
    }

    private static void setTimes(Path path, FileTime mtime, boolean link) throws IOException {
        BasicFileAttributeView view = link
                ? Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                : Files.getFileAttributeView(path, BasicFileAttributeView.class);
        try {
            view.setTimes(mtime, null, null);
        } catch (IOException e) {
            if (!link) {
                throw e;
            }
            // A link's own time is not part of a backup; some systems cannot set it.
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    private static String sha256Of(Path file, byte[] buffer) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
