package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote scripts' clock (lib.sh): clock_ms reads /proc/uptime plus an epoch offset taken once, and
 * utc_stamp turns seconds into the UTC time of every log line by arithmetic, without a date process.
 * Both must agree with the system's own clock and calendar.
 */
class ClockTest {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path work;

    @Test
    void utcStampAgreesWithTheCalendarOnLeapDaysCenturiesAndEverywhereBetween() throws Exception {
        List<Long> seconds = new ArrayList<>(List.of(0L, 59L, 86_399L, 86_400L,
                951_782_399L, 951_782_400L, 951_868_800L, // 2000-02-28 23:59:59, the leap day of 2000, 2000-03-01
                1_709_164_800L, // 2024-02-29
                4_107_542_399L, 4_107_542_400L, // 2100-02-28 23:59:59, 2100-03-01 (no leap day in 2100)
                1_798_761_599L, 1_798_761_600L)); // the turn of 2026 to 2027
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            seconds.add((long) random.nextInt(Integer.MAX_VALUE) * 2);
        }
        StringBuilder script = new StringBuilder(". \"$1\"\n");
        for (long s : seconds) {
            script.append("utc_stamp ").append(s).append("; echo \"$UTC_TIME\"\n");
        }
        List<String> printed = run(script.toString()).lines().toList();

        assertThat(printed).hasSize(seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            assertThat(printed.get(i)).as("second %d", seconds.get(i))
                    .isEqualTo(UTC.format(Instant.ofEpochSecond(seconds.get(i))));
        }
    }

    @Test
    void clockMsAndUtcTimeFollowTheSystemClock() throws Exception {
        long before = System.currentTimeMillis();
        List<String> printed = run(". \"$1\"\n[ -n \"$CLOCK_OFFSET\" ] && echo uptime\n"
                + "clock_ms; echo \"$NOW_MS\"; sleep 1.2; clock_ms; echo \"$NOW_MS\"; utc_time; echo \"$UTC_TIME\"\n")
                .lines().toList();
        long after = System.currentTimeMillis();

        assertThat(printed.get(0)).as("read from /proc/uptime on Linux").isEqualTo("uptime");
        long first = Long.parseLong(printed.get(1));
        long second = Long.parseLong(printed.get(2));
        // Hundredths of a second, and the offset taken once: a few tens of milliseconds either way.
        assertThat(first).isBetween(before - 50, after + 50);
        assertThat(second - first).isBetween(1_150L, 1_600L);
        assertThat(second).isBetween(before - 50, after + 50);
        Instant logged = Instant.from(UTC.parse(printed.get(3)));
        assertThat(logged.toEpochMilli()).isBetween(before / 1000 * 1000 - 1000, after + 1000);
    }

    private String run(String script) throws Exception {
        Path lib = work.resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());
        return ProcessRunner.run(List.of("sh", "-c", script, "sh", lib.toString()), Duration.ofMinutes(1)).orThrow()
                .stdout();
    }
}
