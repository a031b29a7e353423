package io.pgofflinebackup.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgofflinebackup.testing.ProcessRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "$(touch /tmp/pgob-canary)", "`id`", "a;b && c | d",
        "\"double\"", "back\\slash", "new\nline", "-leading-dash", "ünïcödé", "'", "''", "", "*?[a]~"})
    void aQuotedValueReachesTheProgramUnchanged(String value) {
        String command = "printf '%s' " + ShellQuote.quote(value);
        String out = ProcessRunner.run(List.of("sh", "-c", command), Duration.ofSeconds(10)).orThrow().stdout();
        assertThat(out).isEqualTo(value);
    }

    @Test
    void wordsAreQuotedOneByOne() {
        assertThat(ShellQuote.command("ls", "-l", "a b")).isEqualTo("'ls' '-l' 'a b'");
    }

    @Test
    void nulCannotBeQuoted() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
