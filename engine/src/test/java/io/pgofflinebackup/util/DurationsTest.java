package io.pgofflinebackup.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void humanAndIsoForms() {
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void nonsenseIsRefusedWithAnExample() {
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("15m");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("not a duration");
    }
}
