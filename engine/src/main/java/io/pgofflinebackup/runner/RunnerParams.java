package io.pgofflinebackup.runner;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runner's params file: key=value lines. The runner reads values verbatim ({@code read -r}, never
 * evaluated), so they are never parsed by a shell; a value cannot hold a line break, and we refuse one.
 */
public final class RunnerParams {
    private final Map<String, String> values = new LinkedHashMap<>();

    public RunnerParams put(String key, Object value) {
        String text = value == null ? "" : value.toString();
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the value of " + key + " contains a line break");
        }
        values.put(key, text);
        return this;
    }

    /** Adds every value of {@code other}. */
    public RunnerParams putAll(RunnerParams other) {
        values.putAll(other.values);
        return this;
    }

    public byte[] toBytes() {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
