package dev.neuronfit.model;

/**
 * The container format a model was read from. The id is the value of {@code model.format} in JSON.
 */
public enum ModelFormat {
  /** A Hugging Face transformers or diffusers folder (config.json, safetensors, index files). */
  HF("hf"),
  /** An ONNX ModelProto file, possibly with external data files. */
  ONNX("onnx"),
  /** A TorchScript archive written by torch.jit.save (including mobile .ptl archives). */
  TORCHSCRIPT("torchscript"),
  /** A PyTorch checkpoint written by torch.save: a zip archive or a legacy pickle. */
  PYTORCH_CHECKPOINT("pytorch-checkpoint"),
  /** A TensorFlow SavedModel folder (saved_model.pb). */
  TF_SAVEDMODEL("tf-savedmodel"),
  /** A frozen TensorFlow GraphDef (.pb). */
  TF_GRAPHDEF("tf-graphdef"),
  /** A Keras model: a .keras archive or a legacy .h5 file. */
  KERAS("keras");

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
