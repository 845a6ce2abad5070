package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.local.LocalProvider;
import org.junit.jupiter.api.Test;

/** The switches that the local backend reads, named once for users. */
class DjlRuntimeTest {
    @Test
    void thePublicTorchWarningsSwitchIsTheOneTheRuntimeReads() {
        assertThat(LocalProvider.TORCH_WARNINGS_PROPERTY).isEqualTo(DjlRuntime.NATIVE_WARNINGS_PROPERTY);
    }
}
