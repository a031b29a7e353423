package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildLogProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:00:00Z"));

    private List<String> lines() {
        return Arrays.stream(bytes.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void everyLineNamesTheHostAndTheTime() {
        BuildLogProgress progress = new BuildLogProgress(out, "db1", null, clock);
        progress.phase("stop", "stopping PostgreSQL (fast)");
        clock.advance(Duration.ofSeconds(3));
        progress.info("PostgreSQL is stopped");
        progress.warn("2 files changed");

        assertEquals(List.of("[pgOfflineBackup db1] 2026-11-25T02:00:00Z stop: stopping PostgreSQL (fast)",
                "[pgOfflineBackup db1] 2026-11-25T02:00:03Z PostgreSQL is stopped",
                "[pgOfflineBackup db1] 2026-11-25T02:00:03Z WARNING: 2 files changed"), lines());
    }

    @Test
    void fastCopyIsReportedEveryFivePercentAtMost() {
        BuildLogProgress progress = new BuildLogProgress(out, "db1", null, clock);
        progress.phase("copy", "copying");
        for (long done = 0; done <= 1000; done += 10) {
            progress.copyProgress(done, 1000);
            clock.advance(Duration.ofMillis(50));
        }
        List<String> copy = lines().stream().filter(l -> l.contains(" copy: ") && l.contains("%")).toList();
        // 0 %, then 5, 10, ... 100: 21 lines for 101 reports.
        assertEquals(21, copy.size(), String.join("\n", copy));
        assertTrue(copy.get(copy.size() - 1).contains("copy: 100% (1000 B of 1000 B)"), copy.get(copy.size() - 1));
    }

    @Test
    void slowCopyIsReportedEveryTenSeconds() {
        BuildLogProgress progress = new BuildLogProgress(out, "db1", null, clock);
        progress.phase("copy", "copying");
        long total = 1000L * 1024 * 1024;
        for (int second = 0; second <= 60; second++) {
            progress.copyProgress(total * second / 1000, total);
            clock.advance(Duration.ofSeconds(1));
        }
        List<String> copy = lines().stream().filter(l -> l.contains(" copy: ") && l.contains("%")).toList();
        // Less than 5 % in a minute: the first report and one every 10 s.
        assertEquals(7, copy.size(), String.join("\n", copy));
        assertTrue(copy.get(1).contains("/s"), copy.get(1));
    }

    @Test
    void aSecretUserNameIsMasked() {
        BuildLogProgress progress = new BuildLogProgress(out, "db1", "pgadmin", clock);
        progress.phase("connect", "connecting to pgadmin@db1:22");
        String line = lines().get(0);
        assertTrue(line.endsWith("connect: connecting to ****@db1:22"), line);
        assertFalse(line.contains("pgadmin"));
    }

    @Test
    void downtimeIsShownInSeconds() {
        assertEquals("0.0 s", BuildLogProgress.millis(0));
        assertEquals("12.3 s", BuildLogProgress.millis(12_345));
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
