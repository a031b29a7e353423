package io.pgofflinebackup.backup;

/**
 * Where one run lives on the host. The copy grows in {@code .<id>.partial}; only the runner's final
 * rename gives it the plain name {@code <id>}, so no directory that looks complete ever is not.
 * The runner's own files (script, params, state) sit beside it in {@code .<id>.run}.
 */
public record RemoteRun(String dest, String id) {

    public String partialDir() {
        return dest + "/." + id + ".partial";
    }

    public String finalDir() {
        return dest + "/" + id;
    }

    public String runDir() {
        return dest + "/." + id + ".run";
    }

    public String stateFile() {
        return runDir() + "/state";
    }

    public String runnerScript() {
        return runDir() + "/runner.sh";
    }

    public String paramsFile() {
        return runDir() + "/params";
    }

    public String partialLog() {
        return partialDir() + "/backup.log";
    }

    public String finalLog() {
        return finalDir() + "/backup.log";
    }

    public String manifest() {
        return finalDir() + "/manifest.json";
    }
}
