package dev.neuronfit.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The profile of a Hugging Face folder that holds only a config.json: no weights, no graph. */
final class ConfigOnlyProfile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigOnlyProfile() {}

  /** The profile of a folder whose config.json is {@code json}. */
  static ModelProfile of(String json) throws IOException {
    return new ModelProfile(
        "m",
        ModelFormat.HF,
        Framework.PYTORCH,
        WeightSummary.unknown("none"),
        List.of(),
        Optional.of(
            new HfMetadata(
                Optional.of(new HfConfig("config.json", JSON.readTree(json))),
                Optional.empty(),
                List.of())),
        Optional.empty(),
        List.of(),
        List.of());
  }
}
