package io.pgofflinebackup.backup;

import io.pgofflinebackup.runner.RunnerHandle;
import java.util.List;

/**
 * Where one backup run lives. The copy grows in {@code .<id>.partial}; only the runner's final
 * rename gives it the plain name {@code <id>}, so no directory that looks complete ever is not.
 * The runner's own files (scripts, params, state) sit beside it in {@code .<id>.run}; for a copy
 * that is not on the database host ({@code runRoot} set) they stay on the database host in
 * {@code <runRoot>/<id>}, with the log until it joins the sealed backup.
 */
record RemoteRun(String dest, String id, String runRoot) {

    RemoteRun(String dest, String id) {
        this(dest, id, null);
    }

    boolean offHost() {
        return runRoot != null;
    }

    String partialDir() {
        return dest + "/." + id + ".partial";
    }

    String finalDir() {
        return dest + "/" + id;
    }

    String runDir() {
        return offHost() ? runRoot + "/" + id : dest + "/." + id + ".run";
    }

    String partialLog() {
        return offHost() ? runDir() + "/backup.log" : partialDir() + "/backup.log";
    }

    String finalLog() {
        return finalDir() + "/backup.log";
    }

    String manifest() {
        return finalDir() + "/manifest.json";
    }

    RunnerHandle handle() {
        return new RunnerHandle(id, runDir(), "runner.sh", offHost() ? List.of(partialLog()) : List.of(partialLog(),
                finalLog()));
    }
}
