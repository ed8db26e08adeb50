package dev.neuronfit.model;

/**
 * The container format a model was read from. The id is the value of {@code model.format} in JSON.
 */
public enum ModelFormat {
  /** A Hugging Face transformers or diffusers folder (config.json, safetensors, index files). */
  HF("hf"),
  /** An ONNX ModelProto file, possibly with external data files. */
  ONNX("onnx");

  private final String id;

  ModelFormat(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }
}
