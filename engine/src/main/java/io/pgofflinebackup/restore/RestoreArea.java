package io.pgofflinebackup.restore;

import io.pgofflinebackup.verify.BackupArea;

/**
 * Where a restore puts one tablespace or the WAL directory of a backup: {@code target}, the original
 * location unless --tablespace-map or --wal-dir says otherwise.
 */
record RestoreArea(BackupArea source, String target) {

    boolean moved() {
        return !target.equals(source.location());
    }

    String describe() {
        return source.describe() + " (to " + target + (moved() ? ", not its original " + source.location() : "")
                + ")";
    }
}
