package dev.neuronfit.model;

/**
 * The container format a model was read from. The id is the value of {@code model.format} in JSON.
 */
public enum ModelFormat {
  /** A Hugging Face transformers or diffusers folder (config.json, safetensors, index files). */
  HF("hf", "Hugging Face model folders"),
  /** An ONNX ModelProto file, possibly with external data files. */
  ONNX("onnx", "ONNX models"),
  /** A TorchScript archive written by torch.jit.save (including mobile .ptl archives). */
  TORCHSCRIPT("torchscript", "TorchScript archives"),
  /** A PyTorch checkpoint written by torch.save: a zip archive or a legacy pickle. */
  PYTORCH_CHECKPOINT("pytorch-checkpoint", "PyTorch checkpoints"),
  /** A TensorFlow SavedModel folder (saved_model.pb). */
  TF_SAVEDMODEL("tf-savedmodel", "TensorFlow SavedModels"),
  /** A frozen TensorFlow GraphDef (.pb). */
  TF_GRAPHDEF("tf-graphdef", "frozen TensorFlow GraphDefs"),
  /** A GGUF file of llama.cpp and ggml (header, metadata and tensor infos read). */
  GGUF("gguf", "GGUF files"),
  /** An MXNet model: a symbol ({@code -symbol.json}) and its NDArray list ({@code .params}). */
  MXNET("mxnet", "MXNet symbol and .params files"),
  /** A Keras model: a .keras archive or a legacy .h5 file. */
  KERAS("keras", "Keras .keras and .h5 files");

  private final String id;
  private final String title;

  ModelFormat(String id, String title) {
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  /** What a person calls files of this format, in the plural, e.g. {@code ONNX models}. */
  public String title() {
    return title;
  }

  @Override
  public String toString() {
    return id;
  }
}
