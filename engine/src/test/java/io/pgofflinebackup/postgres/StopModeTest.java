package io.pgofflinebackup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StopModeTest {
    @Test
    void fastAndSmartOnly() {
        assertThat(StopMode.parse("FAST")).isEqualTo(StopMode.FAST);
        assertThat(StopMode.parse("smart").pgCtlName()).isEqualTo("smart");
        assertThatThrownBy(() -> StopMode.parse("immediate")).hasMessageContaining("refused")
                .hasMessageContaining("not a consistent backup");
        assertThatThrownBy(() -> StopMode.parse("slow")).hasMessageContaining("fast or smart");
    }
}
