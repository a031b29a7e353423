package io.pgofflinebackup.postgres;

/**
 * A directory outside PGDATA that PGDATA links to: a tablespace ({@code pg_tblspc/<oid>}) or the WAL
 * directory ({@code pg_wal}), as inspect.sh found it.
 *
 * @param area where a backup keeps it: {@code tablespaces/<oid>} or {@code wal}
 * @param link the link's path inside PGDATA
 * @param location where the link says it leads (absolute)
 * @param realPath the directory it leads to after resolving every link, or empty when it leads nowhere
 * @param name the tablespace's name from the catalog, or empty (not running, or the WAL directory)
 */
public record LinkedArea(String area, String link, String location, String realPath, long bytes, long files,
        String name) {

    static LinkedArea parse(String value) {
        String[] f = value.split("\u001f", -1);
        return new LinkedArea(at(f, 0), at(f, 1), at(f, 2), at(f, 3), number(at(f, 4)), number(at(f, 5)), "");
    }

    LinkedArea withName(String value) {
        return new LinkedArea(area, link, location, realPath, bytes, files, value);
    }

    public boolean isTablespace() {
        return area.startsWith("tablespaces/");
    }

    /** The tablespace's oid, or empty for the WAL directory. */
    public String oid() {
        return isTablespace() ? area.substring("tablespaces/".length()) : "";
    }

    public boolean dangling() {
        return realPath.isEmpty();
    }

    /** "tablespace 16384 (name) at /srv/ts1" or "the WAL directory /srv/wal", for messages. */
    public String describe() {
        if (!isTablespace()) {
            return "the WAL directory " + location;
        }
        return "tablespace " + oid() + (name.isEmpty() ? "" : " (" + name + ")") + " at " + location;
    }

    static String at(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }

    static long number(String value) {
        return value.matches("\\d+") ? Long.parseLong(value) : -1;
    }
}
