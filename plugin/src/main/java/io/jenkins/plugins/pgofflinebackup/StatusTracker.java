package io.jenkins.plugins.pgofflinebackup;

import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.RunnerInfo;

/**
 * Remembers the phase of a running job and the run its runner took over, from the engine's own
 * events: the controller asks for it to show the step's status and to save the run's id.
 */
final class StatusTracker implements ProgressListener {
    private volatile String phase;
    private volatile String runId;
    private volatile String runDir;
    private volatile long bytesDone;
    private volatile long bytesTotal;

    @Override
    public void phase(String phase, String message) {
        this.phase = phase;
    }

    @Override
    public void copyProgress(long done, long total) {
        bytesDone = done;
        bytesTotal = total;
    }

    @Override
    public void runnerStarted(RunnerInfo info) {
        runDir = info.runDir();
        runId = info.id();
    }

    JobStatus snapshot() {
        return new JobStatus(phase, runId, runDir, bytesDone, bytesTotal);
    }
}
