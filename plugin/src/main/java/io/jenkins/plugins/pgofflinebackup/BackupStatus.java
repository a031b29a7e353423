package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;

/**
 * Where a running backup is, as the engine's side last heard it: sent to the controller for the
 * step's status and so that the backup id is known (and saved) before the backup ends.
 */
record BackupStatus(@CheckForNull String phase, @CheckForNull String backupId, long bytesDone, long bytesTotal)
        implements Serializable {

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
