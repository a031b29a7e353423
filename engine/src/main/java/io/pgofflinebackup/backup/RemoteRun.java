package io.pgofflinebackup.backup;

import io.pgofflinebackup.runner.RunnerHandle;
import java.util.List;

/**
 * Where one backup run lives on the host. The copy grows in {@code .<id>.partial}; only the
 * runner's final rename gives it the plain name {@code <id>}, so no directory that looks complete
 * ever is not. The runner's own files (scripts, params, state) sit beside it in {@code .<id>.run}.
 */
record RemoteRun(String dest, String id) {

    String partialDir() {
        return dest + "/." + id + ".partial";
    }

    String finalDir() {
        return dest + "/" + id;
    }

    String runDir() {
        return dest + "/." + id + ".run";
    }

    String partialLog() {
        return partialDir() + "/backup.log";
    }

    String finalLog() {
        return finalDir() + "/backup.log";
    }

    String manifest() {
        return finalDir() + "/manifest.json";
    }

    RunnerHandle handle() {
        return new RunnerHandle(id, runDir(), "runner.sh", List.of(partialLog(), finalLog()));
    }
}
