package io.pgofflinebackup.verify;

/**
 * A tablespace or the WAL directory as a backup holds it, from its manifest.
 *
 * @param area where the backup keeps it: {@code tablespaces/<oid>} or {@code wal}
 * @param link its link inside PGDATA: {@code pg_tblspc/<oid>} or {@code pg_wal}
 * @param location where it was when backed up
 * @param name the tablespace's name, or empty (unknown, or the WAL directory)
 * @param bytes the size of its files
 */
public record BackupArea(String area, String link, String location, String name, long bytes) {

    static BackupArea parse(String value) {
        String[] f = value.split("\u001f", -1);
        String bytes = f.length > 4 ? f[4] : "";
        return new BackupArea(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "", f.length > 3 ? f[3] : "",
                bytes.matches("\\d+") ? Long.parseLong(bytes) : 0);
    }

    public boolean isTablespace() {
        return area.startsWith("tablespaces/");
    }

    /** The tablespace's oid, or empty for the WAL directory. */
    public String oid() {
        return isTablespace() ? area.substring("tablespaces/".length()) : "";
    }

    /** "tablespace 16384 (name)" or "the WAL directory", for messages. */
    public String describe() {
        return isTablespace() ? "tablespace " + oid() + (name.isEmpty() ? "" : " (" + name + ")") : "the WAL directory";
    }
}
