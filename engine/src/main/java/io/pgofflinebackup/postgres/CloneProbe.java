package io.pgofflinebackup.postgres;

/**
 * Whether a directory of the cluster (PGDATA, a tablespace, an external WAL directory) can be
 * cloned copy-on-write beside itself, as the host showed by trying it.
 *
 * @param area "data", "tablespaces/OID" or "wal"
 * @param reason why not, in the host's words; empty when it can
 * @param freeBytes free space of its file system, where a clone grows as PostgreSQL rewrites blocks; -1 unknown
 */
public record CloneProbe(String area, boolean possible, String reason, long freeBytes) {

    static CloneProbe parse(String line) {
        String[] f = line.split("\u001f", -1);
        long free = f.length > 3 && f[3].matches("\\d+") ? Long.parseLong(f[3]) : -1;
        return new CloneProbe(f[0], f.length > 1 && f[1].equals("yes"), f.length > 2 ? f[2] : "", free);
    }
}
