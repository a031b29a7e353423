package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;

/**
 * Where a running job is, as the engine's side last heard it: sent to the controller for the
 * step's status, and so that the run on the host is known (and saved) before the job ends.
 *
 * @param runId the id of the runner's run, once the engine has started it (a backup id, or a
 *     restore's time stamp)
 * @param runDir the runner's directory on the host, once started
 */
record JobStatus(@CheckForNull String phase, @CheckForNull String runId, @CheckForNull String runDir, long bytesDone,
        long bytesTotal) implements Serializable {

    private static final long serialVersionUID = 1L;

    String describe() {
        if (phase == null) {
            return "connecting";
        }
        if (phase.equals("copy") && bytesTotal > 0) {
            return "copy " + Math.min(100, bytesDone * 100 / bytesTotal) + "%";
        }
        return phase;
    }
}
