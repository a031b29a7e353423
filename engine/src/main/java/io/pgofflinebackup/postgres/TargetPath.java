package io.pgofflinebackup.postgres;

import java.util.Arrays;
import java.util.List;

/**
 * A path a restore would put a directory or file at, as inspect.sh found it while PostgreSQL ran.
 *
 * @param parentWritable its parent is a directory we may create and rename entries in
 * @param device the file system of its parent, where a restore creates it; empty if unknown
 * @param freeBytes free bytes on that file system, or -1 if unknown
 * @param entries the first names inside it, when it is a directory
 * @param ownDevice the file system it is on itself, when it exists
 */
public record TargetPath(String path, boolean exists, boolean directory, boolean link, String realPath,
        boolean parentWritable, String device, long freeBytes, List<String> entries, String ownDevice) {

    static TargetPath parse(String value) {
        String[] f = value.split("\u001f", -1);
        String list = LinkedArea.at(f, 8);
        return new TargetPath(LinkedArea.at(f, 0), "true".equals(LinkedArea.at(f, 1)),
                "true".equals(LinkedArea.at(f, 2)), "true".equals(LinkedArea.at(f, 3)), LinkedArea.at(f, 4),
                "true".equals(LinkedArea.at(f, 5)), LinkedArea.at(f, 6), LinkedArea.number(LinkedArea.at(f, 7)),
                list.isEmpty() ? List.of() : Arrays.stream(list.split("/")).filter(s -> !s.isEmpty()).toList(),
                LinkedArea.at(f, 9));
    }

    /** A mount point cannot be renamed aside: the restore needs a directory inside it. */
    public boolean mountPoint() {
        return exists && !ownDevice.isEmpty() && !device.isEmpty() && !ownDevice.equals(device);
    }

    /** Where this path is, or would be, once every link is resolved: for comparing with other paths. */
    public String resolved() {
        return realPath.isEmpty() ? path : realPath;
    }
}
