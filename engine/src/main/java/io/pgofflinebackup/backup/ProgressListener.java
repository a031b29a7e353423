package io.pgofflinebackup.backup;

/**
 * What a front end hears while a job runs. Calls come from the job's thread, in order. The engine
 * does not throttle copy progress; a front end that writes to a log decides how often to show it.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
    };

    /** A new phase began: connect, inspect, stop, copy, verify, start, record. */
    default void phase(String phase, String message) {
    }

    /** A line of the job's log. */
    default void info(String message) {
    }

    /** Something the user should look at; the job goes on. */
    default void warn(String message) {
    }

    /** Bytes copied so far out of the total. */
    default void copyProgress(long bytesDone, long bytesTotal) {
    }

    /**
     * The detached runner now owns the critical section on the host: from here on a front end that
     * loses track of the job (a controller restart) can re-attach with the id.
     */
    default void runnerStarted(RunnerInfo info) {
    }

    /** A listener that tells {@code first}, then {@code second}, everything. */
    static ProgressListener both(ProgressListener first, ProgressListener second) {
        return new ProgressListener() {
            @Override
            public void phase(String phase, String message) {
                first.phase(phase, message);
                second.phase(phase, message);
            }

            @Override
            public void info(String message) {
                first.info(message);
                second.info(message);
            }

            @Override
            public void warn(String message) {
                first.warn(message);
                second.warn(message);
            }

            @Override
            public void copyProgress(long bytesDone, long bytesTotal) {
                first.copyProgress(bytesDone, bytesTotal);
                second.copyProgress(bytesDone, bytesTotal);
            }

            @Override
            public void runnerStarted(RunnerInfo info) {
                first.runnerStarted(info);
                second.runnerStarted(info);
            }
        };
    }
}
