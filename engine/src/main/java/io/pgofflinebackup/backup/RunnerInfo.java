package io.pgofflinebackup.backup;

/**
 * A runner that was started on a host: enough to find it again (the id and, for a backup, the
 * destination in which {@code runDir} lies).
 *
 * @param kind backup or restore
 * @param target the partial directory a backup fills, or the data directory a restore replaces
 */
public record RunnerInfo(String kind, String id, String host, String runDir, String target, long pid) {
}
