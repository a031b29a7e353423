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

    /** Tablespaces and an external WAL directory, with the tablespaces' names where the catalog gave them. */
    public List<LinkedArea> linkedAreas() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String line : all("tablespace_name")) {
            int sep = line.indexOf('\u001f');
            if (sep > 0) {
                names.put(line.substring(0, sep), line.substring(sep + 1));
            }
        }
        return all("linked_area").stream().map(LinkedArea::parse)
                .map(a -> a.isTablespace() && names.containsKey(a.oid()) ? a.withName(names.get(a.oid())) : a)
                .toList();
    }

    /** For each directory of the cluster, whether it can be cloned copy-on-write (only when asked for). */
    public List<CloneProbe> cloneProbes() {
        return all("reflink").stream().map(CloneProbe::parse).toList();
    }

    /** Configuration files and included directories outside PGDATA. */
    public List<ConfigLocation> configFiles() {
        return all("config").stream().map(ConfigLocation::parse).toList();
    }

    /** What inspect.sh found at each path a restore would write to, by path. */
    public Map<String, TargetPath> targets() {
        Map<String, TargetPath> targets = new LinkedHashMap<>();
        for (String line : all("target")) {
            TargetPath t = TargetPath.parse(line);
            targets.put(t.path(), t);
        }
        return targets;
    }

    /** Directories that running clusters on the host use (their PGDATA and what it links to), to the PGDATA using each. */
    public Map<String, String> liveDirectories() {
        Map<String, String> dirs = new LinkedHashMap<>();
        for (String dir : all("live_cluster")) {
            dirs.put(dir, dir);
        }
        for (String line : all("live_area")) {
            int sep = line.indexOf('\u001f');
            if (sep > 0) {
                dirs.put(line.substring(0, sep), line.substring(sep + 1));
            }
        }
        return dirs;
    }

    /** A path with a line break in its name, in PGDATA or a directory it links to; empty if none. */
    public String newlineName() {
        return get("newline_names");
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

    public String destDevice() {
        return get("dest_device");
    }

    public String pgdataDevice() {
        return get("pgdata_device");
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
