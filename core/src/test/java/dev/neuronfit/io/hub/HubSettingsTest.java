package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubSettingsTest {
  @TempDir Path home;

  @Test
  void requestsInFlightDefaultToSixtyFourAndFollowTheEnvironment() throws IOException {
    assertThat(HubSettings.fromEnvironment(Map.of(), home).concurrency())
        .isEqualTo(HubSettings.DEFAULT_CONCURRENCY)
        .isEqualTo(64);
    assertThat(
            HubSettings.fromEnvironment(Map.of("NEURONFIT_HUB_CONCURRENCY", "8"), home)
                .concurrency())
        .isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "257", "-1", "many", "1e3"})
  void aConcurrencyOutOfRangeIsRefusedInOneLine(String value) {
    assertThatThrownBy(
            () -> HubSettings.fromEnvironment(Map.of("NEURONFIT_HUB_CONCURRENCY", value), home))
        .isInstanceOf(HubException.class)
        .hasMessage(
            "NEURONFIT_HUB_CONCURRENCY="
                + value
                + " is not a number of requests from 1 to "
                + HubSettings.MAX_CONCURRENCY);
  }
}
