package io.pgofflinebackup.runner;

import java.util.Map;

/**
 * What the runner's state file says at its end: success with the fields of its {@code done}
 * line, or the failure it recorded; and in what state it left PostgreSQL ({@code db}: running,
 * stopped, down, unchanged). {@code end} holds every field of the end line (e.g. rolled_back).
 */
public record RunnerOutcome(boolean ok, String dbState, String failureCode, String failureMessage,
        Map<String, String> done, Map<String, String> end, long verifiedFiles, long verifiedBytes) {

    public RunnerOutcome {
        done = Map.copyOf(done);
        end = Map.copyOf(end);
    }

    public long doneNumber(String key) {
        String v = done.getOrDefault(key, "");
        return v.matches("\\d+") ? Long.parseLong(v) : 0;
    }
}
