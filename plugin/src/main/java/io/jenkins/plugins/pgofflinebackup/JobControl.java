package io.jenkins.plugins.pgofflinebackup;

import java.io.IOException;
import jenkins.security.MasterToSlaveCallable;

/** Calls to a running {@link RemoteJob}, over the same channel, by its key. */
final class JobControl {
    private JobControl() {
    }

    /** Where the job is; null once it has ended. */
    static final class Status extends MasterToSlaveCallable<JobStatus, IOException> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Status(String key) {
            this.key = key;
        }

        @Override
        public JobStatus call() {
            return ActiveJobs.status(key);
        }
    }

    /** Asks the job to stop; it reports how it ended as usual. */
    static final class Abort extends MasterToSlaveCallable<Boolean, IOException> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Abort(String key) {
            this.key = key;
        }

        @Override
        public Boolean call() {
            ActiveJobs.abort(key);
            return Boolean.TRUE;
        }
    }
}
