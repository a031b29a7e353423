package io.jenkins.plugins.pgofflinebackup;

/**
 * The configuration the Pipeline step and the freestyle build step share, field for field, so that
 * both map to the engine in one place ({@link BackupSpec#of}). Optional values are null when not
 * set, which means the engine's default.
 */
public interface BackupParameters extends ServiceParameters {
    String getPgdata();

    String getDest();

    /** auto, reflink or none; null for the engine's default (auto). */
    String getSnapshot();

    boolean isPrecopy();

    /** Complete backups of the cluster to keep in the destination after a successful one; 0 keeps all. */
    int getKeep();
}
