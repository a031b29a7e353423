package io.pgofflinebackup.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What inspect.sh saw on the host while PostgreSQL kept running: a thin, typed view over its
 * key=value lines (the other remote scripts answer in the same form). The decisions are made by
 * the pre-flight, not here.
 */
public final class ClusterInspection {
    private final Map<String, List<String>> values;

    private ClusterInspection(Map<String, List<String>> values) {
        this.values = values;
    }

    public static ClusterInspection parse(String output) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return new ClusterInspection(values);
    }

    /** Whether the script ran to its end (it prints end=true last). */
    public boolean complete() {
        return flag("end");
    }

    public String get(String key) {
        List<String> list = values.get(key);
        return list == null || list.isEmpty() ? "" : list.get(0);
    }

    /** Every value of a key that repeats. */
    public List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    public boolean flag(String key) {
        return "true".equals(get(key));
    }

    public long number(String key) {
        String value = get(key);
        return value.matches("\\d+") ? Long.parseLong(value) : -1;
    }

    public String hostname() {
        return get("hostname");
    }

    public long sshUid() {
        return number("ssh_uid");
    }

    public String sshUser() {
        return get("ssh_user");
    }

    public boolean pgdataExists() {
        return flag("pgdata_exists");
    }

    public boolean pgdataIsDirectory() {
        return flag("pgdata_is_dir");
    }

    public String pgdataRealPath() {
        return get("pgdata_real");
    }

    public long pgdataOwnerUid() {
        return number("pgdata_owner_uid");
    }

    public String pgdataOwner() {
        return get("pgdata_owner");
    }

    public boolean pgdataEmpty() {
        return flag("pgdata_empty");
    }

    public boolean pgdataReadable() {
        return flag("pgdata_readable");
    }

    public Optional<String> pgVersion() {
        String v = get("pg_version");
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String pgBin() {
        return get("pg_bin");
    }

    public String missingBinaries() {
        return get("pg_bin_missing");
    }

    public String missingTools() {
        return get("missing_tools");
    }

    public String pgCtlVersion() {
        return get("pg_ctl_version");
    }

    public boolean pidFilePresent() {
        return flag("pidfile");
    }

    public boolean postmasterAlive() {
        return flag("postmaster_alive");
    }

    public long postmasterPid() {
        return number("pidfile_pid");
    }

    public String pidFileStatus() {
        return get("pidfile_status");
    }

    public int port() {
        return (int) number("port");
    }

    public String socketDirectory() {
        return get("socket_dir");
    }

    public String clusterState() {
        return get("cluster_state");
    }

    public String systemIdentifier() {
        return get("system_identifier");
    }

    public String controlDataError() {
        return get("controldata_error");
    }

    public List<String> tablespaces() {
        return values.getOrDefault("tablespace", List.of()).stream()
                .map(t -> t.replace('\u001f', ' ').replaceFirst(" ", " -> ")).toList();
    }

    public Optional<String> walLink() {
        String v = get("wal_link");
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public boolean hasNewlineNames() {
        return flag("newline_names");
    }

    public String unreadablePath() {
        return get("unreadable");
    }

    public long bytes() {
        return number("bytes");
    }

    public long files() {
        return number("files");
    }

    public boolean destExists() {
        return flag("dest_exists");
    }

    public boolean destIsDirectory() {
        return flag("dest_is_dir");
    }

    public String destRealPath() {
        return get("dest_real");
    }

    public boolean destWritable() {
        return flag("dest_writable");
    }

    public long destFreeBytes() {
        return number("dest_free");
    }

    public boolean destOnSameFileSystem() {
        return !get("dest_device").isEmpty() && get("dest_device").equals(get("pgdata_device"));
    }

    public boolean sessionsKnown() {
        return flag("sessions_known");
    }

    public String sessionsError() {
        return get("sessions_error");
    }

    public List<ActiveSession> sessions() {
        return values.getOrDefault("session", List.of()).stream().map(ActiveSession::parse).toList();
    }

    public List<PreviousRun> previousRuns() {
        return values.getOrDefault("run", List.of()).stream().map(PreviousRun::parse).toList();
    }
}
