package io.pgofflinebackup.postgres;

/** A client connected to the cluster, as pg_stat_activity shows it. */
public record ActiveSession(int pid, String user, String database, String application, String client,
        String state, String since) {

    /** Parses one inspection line: fields separated by the unit separator 0x1f. */
    static ActiveSession parse(String line) {
        String[] f = line.split("\u001f", -1);
        return new ActiveSession(Integer.parseInt(field(f, 0)), field(f, 1), field(f, 2), field(f, 3), field(f, 4),
                field(f, 5), field(f, 6));
    }

    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }

    public String describe() {
        return "pid " + pid + " user " + user + " db " + database
                + (application.isEmpty() ? "" : " app '" + application + "'") + " from " + client
                + (state.isEmpty() ? "" : " (" + state + ")") + " since " + since;
    }
}
