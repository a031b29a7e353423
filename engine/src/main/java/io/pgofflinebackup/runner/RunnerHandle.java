package io.pgofflinebackup.runner;

import java.util.List;

/**
 * Where a detached runner lives on the host: its directory (params, state, the scripts), the
 * script it runs, and the log it writes (a log that moves, like a backup's when the partial
 * directory is renamed, is looked for at each of its paths in turn).
 */
public record RunnerHandle(String id, String runDir, String script, List<String> logPaths) {
    public RunnerHandle {
        logPaths = List.copyOf(logPaths);
    }

    public String stateFile() {
        return runDir + "/state";
    }

    public String scriptPath() {
        return runDir + "/" + script;
    }

    /** follow.sh, which the client runs to follow the runner (RunnerMonitor). */
    public String followScript() {
        return runDir + "/follow.sh";
    }

    public String paramsFile() {
        return runDir + "/params";
    }
}
