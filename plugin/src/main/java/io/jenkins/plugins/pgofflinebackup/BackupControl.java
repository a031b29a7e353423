package io.jenkins.plugins.pgofflinebackup;

import java.io.IOException;
import jenkins.security.MasterToSlaveCallable;

/** Calls to a running {@link RemoteBackup}, over the same channel, by its key. */
final class BackupControl {
    private BackupControl() {
    }

    /** Where the backup is; null once it has ended. */
    static final class Status extends MasterToSlaveCallable<BackupStatus, IOException> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Status(String key) {
            this.key = key;
        }

        @Override
        public BackupStatus call() {
            return ActiveBackups.status(key);
        }
    }

    /** Asks the backup to stop; it then starts PostgreSQL again and reports ABORTED. */
    static final class Abort extends MasterToSlaveCallable<Boolean, IOException> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Abort(String key) {
            this.key = key;
        }

        @Override
        public Boolean call() {
            ActiveBackups.abort(key);
            return Boolean.TRUE;
        }
    }
}
