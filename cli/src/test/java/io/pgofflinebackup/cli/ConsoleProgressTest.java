package io.pgofflinebackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What a person sees on stderr: phase lines always, the copy progress bar only on a terminal. */
class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:34:56Z"), ZoneOffset.UTC);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalTheCopyShowsABarWithBytesThenTheNextLineStartsClean() {
        ConsoleProgress progress = new ConsoleProgress(out, true, clock);
        progress.phase("copy", "copying the data directory");
        progress.copyProgress(512L * 1024 * 1024, 1024L * 1024 * 1024);
        progress.phase("verify", "verifying the copy");

        String text = text();
        assertThat(text).contains("copy     copying the data directory");
        assertThat(text).contains("\r[###############               ] 50% 512.0 MiB / 1.0 GiB");
        assertThat(text).containsPattern("GiB[^\\n]*\\n[0-9:]+ verify   verifying the copy");
    }

    @Test
    void withoutATerminalThereIsNoBarToFillALogWith() {
        ConsoleProgress progress = new ConsoleProgress(out, false, clock);
        progress.copyProgress(10, 100);
        progress.warn("something to look at");

        assertThat(text()).doesNotContain("[#").doesNotContain("\r").contains("WARNING  something to look at");
    }
}
