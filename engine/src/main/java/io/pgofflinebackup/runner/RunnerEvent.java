package io.pgofflinebackup.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the runner's state file: {@code <epoch-ms> <kind> <details>}. Details are either
 * {@code key=value} words (the last value may hold spaces, e.g. a path) or, for {@code failed},
 * a code and a message.
 */
record RunnerEvent(long millis, String kind, String details) {

    static RunnerEvent parse(String line) {
        String[] parts = line.split(" ", 3);
        long millis = parts[0].matches("\\d+") ? Long.parseLong(parts[0]) : 0;
        return new RunnerEvent(millis, parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }

    /** key=value words; a value runs until the next " key=" so paths with spaces survive. */
    Map<String, String> fields() {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\\w+)=(.*?)(?= \\w+=|$)").matcher(details);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    String field(String key) {
        return fields().getOrDefault(key, "");
    }

    long number(String key) {
        String v = field(key);
        return v.matches("\\d+") ? Long.parseLong(v) : -1;
    }

    /** For {@code failed CODE message}: the code. */
    String failureCode() {
        int space = details.indexOf(' ');
        return space < 0 ? details : details.substring(0, space);
    }

    /** For {@code failed CODE message}: the message. */
    String failureMessage() {
        int space = details.indexOf(' ');
        return space < 0 ? "" : details.substring(space + 1);
    }
}
