package dev.neuronfit.classify;

import java.util.Objects;

/**
 * One observation that supports (or explains the lack of) a classification.
 *
 * @param source the file it was observed in, relative to the model folder (e.g. {@code
 *     config.json}, {@code model.safetensors})
 * @param key what was looked at: a JSON key path, or a description such as {@code tensor names}
 * @param value what was found there, as shown to the user
 * @param meaning what neuronfit concludes from it
 */
public record Evidence(String source, String key, String value, String meaning) {
  public Evidence {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(meaning, "meaning");
  }
}
