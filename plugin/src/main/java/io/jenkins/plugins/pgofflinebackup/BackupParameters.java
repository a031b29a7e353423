package io.jenkins.plugins.pgofflinebackup;

/**
 * The configuration the Pipeline step and the freestyle build step share, field for field, so that
 * both map to the engine in one place ({@link BackupSpec#of}). Optional values are null when not
 * set, which means the engine's default.
 */
public interface BackupParameters extends ServiceParameters {
    String getPgdata();

    String getDest();

    /**
     * A directory on the machine that runs the engine (the agent of the enclosing {@code node}) to
     * pull the backup into instead of writing it on the database host; null for --dest.
     */
    String getPullTo();

    /** auto, reflink or none; null for the engine's default (auto). */
    String getSnapshot();

    boolean isPrecopy();

    /** Complete backups of the cluster to keep in the destination after a successful one; 0 keeps all. */
    int getKeep();

    /** [USER@]HOST[:PORT] of a backup host that receives the copy (dest is a directory there); null for none. */
    default String getDestHost() {
        return null;
    }

    /** known_hosts file on the database host for the backup host's key; null for ssh's default. */
    default String getDestHostKnownHosts() {
        return null;
    }

    /** Private key file on the database host that the backup host accepts; null for ssh's default. */
    default String getDestHostIdentity() {
        return null;
    }
}
