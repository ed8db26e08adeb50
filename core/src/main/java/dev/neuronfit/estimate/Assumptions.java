package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Locale;

/**
 * The sentences every workload estimator says about what it assumes, in one place so that alike
 * things are said alike and the estimators hold only arithmetic. Each method returns one sentence
 * (or a clause, where named) of a {@link Workload#assumptions()} list.
 */
public final class Assumptions {
  private Assumptions() {}

  // ---- said by every estimator

  /** What the estimate assumes of the element type on the device. */
  public static String deviceType(DType dtype, WorkloadOptions opts) {
    return "weights and activations are "
        + dtype
        + " on the device"
        + (opts.dtype().isEmpty()
            ? " (the Neuron benchmarks auto-cast matrix multiplications to BF16; change with"
                + " --dtype)"
            : "");
  }

  /**
   * What the estimate assumes of a quantized checkpoint: the weights its method converts are moved
   * and held at their stored width, everything else at the device type; with the weights' size at
   * the device type, for a target whose path does not run the method (TODAY says which).
   */
  public static String quantizedWeights(
      Quantization q, long weightBytes, long atDeviceType, DType dtype, WorkloadOptions opts) {
    String method = q.method().toUpperCase(Locale.ROOT);
    return "weights quantized as "
        + q.label()
        + " are moved and held at their stored width with their scales ("
        + Quantities.bytes(weightBytes)
        + " of weights in all); the other weights, activations and the KV cache are "
        + dtype
        + " on the device"
        + (opts.dtype().isEmpty() ? " (change with --dtype)" : "")
        + "; where a target's path does not run "
        + method
        + " (see TODAY), all weights are "
        + dtype
        + ": "
        + Quantities.bytes(atDeviceType);
  }

  /**
   * {@link #quantizedWeights(Quantization, long, long, DType, WorkloadOptions)} with the targets
   * that hold the weights at each width, as {@link WeightWidth} decided them.
   */
  public static String quantizedWeights(
      Quantization q,
      long weightBytes,
      long atDeviceType,
      DType dtype,
      WorkloadOptions opts,
      List<WeightWidth> widths) {
    String method = q.method().toUpperCase(Locale.ROOT);
    List<String> stored =
        widths.stream().filter(WeightWidth::stored).map(WeightWidth::target).toList();
    List<String> dense = widths.stream().filter(w -> !w.stored()).map(WeightWidth::target).toList();
    StringBuilder b = new StringBuilder("weights quantized as ").append(q.label());
    if (!stored.isEmpty()) {
      b.append(" are moved and held at their stored width with their scales (")
          .append(Quantities.bytes(weightBytes))
          .append(" of weights in all) on ")
          .append(String.join(", ", stored))
          .append(", whose path runs ")
          .append(method);
    }
    if (!dense.isEmpty()) {
      b.append(stored.isEmpty() ? " are held" : "; they are held")
          .append(" as ")
          .append(dtype)
          .append(" (")
          .append(Quantities.bytes(atDeviceType))
          .append(" of weights in all) on ")
          .append(String.join(", ", dense))
          .append(", where no current stack runs ")
          .append(method)
          .append(" (see TODAY)");
    }
    return b.append("; the other weights, activations and the KV cache are ")
        .append(dtype)
        .append(" on the device")
        .append(opts.dtype().isEmpty() ? " (change with --dtype)" : "")
        .toString();
  }

  public static String batch(int batch) {
    return "batch " + batch;
  }

  // ---- said by the graph estimators (ONNX, TensorFlow, Keras)

  /**
   * The clause naming outputs whose size could not be derived and are left out of the bytes moved
   * (up to three), or nothing when there are none.
   */
  public static String unsizedOutputs(List<String> unsized) {
    return unsized.isEmpty()
        ? ""
        : "; outputs of unknown size are not counted ("
            + String.join(", ", unsized.subList(0, Math.min(3, unsized.size())))
            + (unsized.size() > 3 ? ", ..." : "")
            + ")";
  }

  /** One unknown input dimension given a size, as {@code axis 1 of tokens = 128}. */
  public static String boundAxis(int axis, String input, long size) {
    return "axis " + axis + " of " + input + " = " + size;
  }

  /** One unknown input dimension left unknown, as {@code axis 1 of x left unknown}. */
  public static String unboundAxis(int axis, String input) {
    return "axis " + axis + " of " + input + " left unknown";
  }

  /**
   * The axes bound by position (the first eight and a count of the rest), e.g. {@code unknown input
   * dimensions bound by position: axis 0 of x = 1}.
   *
   * @param dimensions what the dimensions are called in the format
   */
  public static String boundByPosition(String dimensions, List<String> axes) {
    return dimensions
        + " bound by position: "
        + String.join(", ", axes.subList(0, Math.min(8, axes.size())))
        + (axes.size() > 8 ? " and " + (axes.size() - 8) + " more" : "");
  }

  /**
   * @param grouping what the breakdown is by ({@code operator}, {@code op}, {@code layer class})
   */
  public static String macsBy(String grouping, String breakdown) {
    return "multiply-accumulates by " + grouping + ": " + breakdown;
  }

  /**
   * @param noun what is counted ({@code node}, {@code layer}), made plural when needed
   * @param causes why a cost may be unknown in the format
   */
  public static String costLeftOut(int count, String noun, String causes) {
    return "the FLOPs leave out "
        + count
        + " "
        + noun
        + (count == 1 ? "" : "s")
        + " whose cost could not be derived (listed as cost unknown: "
        + causes
        + ")";
  }

  // ---- input binding (every graph estimator)

  public static String symbolsBound(List<String> bindings) {
    return "symbolic input dimensions bound by their names and positions: "
        + String.join(", ", bindings);
  }

  public static String defaultSequence(int tokens) {
    return "the graph's sequence length is symbolic; neuronfit assumes "
        + tokens
        + " tokens (change with --seq-len)";
  }

  public static String defaultImage(int side) {
    return "the graph's image size is symbolic; neuronfit assumes "
        + side
        + "x"
        + side
        + " pixels (change with --image-size)";
  }

  public static String kvCacheStep(long cached) {
    return "the graph takes a KV cache (past key/value inputs): one decoder step feeding 1 new"
        + " token per sequence with "
        + cached
        + " cached positions";
  }

  /** The dimensions left unknown (the first five and a count of the rest). */
  public static String leftUnknown(List<String> dimensions) {
    return "input dimensions left unknown (their names and positions say nothing): "
        + String.join(", ", dimensions.subList(0, Math.min(5, dimensions.size())))
        + (dimensions.size() > 5 ? " and " + (dimensions.size() - 5) + " more" : "");
  }

  public static String optionsNotApplied(List<String> options) {
    return String.join(", ", options)
        + " not applied: the graph fixes those input dimensions (re-export it with dynamic input"
        + " dimensions to change them, e.g. the dynamic_axes argument of torch.onnx.export in the"
        + " PyTorch torch.onnx documentation)";
  }

  // ---- ONNX graphs

  public static final String ONNX_COUNTED =
      "multiply-accumulates are counted for Conv, ConvTranspose, MatMul, Gemm, Einsum,"
          + " attention and recurrent operators at the shapes propagated from the inputs;"
          + " element-wise, normalisation, pooling, softmax and shape operators count 0 but pass"
          + " their shapes on";

  public static final String ONNX_UNKNOWN_CAUSES =
      "an unknown operator, or input shapes that depend on the data";

  public static final String ONNX_CONTROL_FLOW =
      "If, Loop and Scan bodies are not counted: a node whose body has matrix products or"
          + " unknown operators is listed as cost unknown, since the body runs a data-dependent"
          + " number of times";

  public static String onnxBytesMoved(DType dtype, boolean decode, List<String> unsized) {
    return "bytes moved: the initializers once ("
        + "floating-point ones at "
        + dtype
        + ", integer ones at their stored size), plus the"
        + " graph's inputs and outputs"
        + (decode ? " (the KV cache among them)" : "")
        + "; activations between operators are assumed to stay on chip"
        + unsizedOutputs(unsized);
  }

  // ---- TensorFlow graphs

  public static final String TF_COUNTED =
      "multiply-accumulates are counted for Conv2D, Conv3D, DepthwiseConv2dNative,"
          + " Conv2DBackpropInput, MatMul, BatchMatMul, Einsum, the LSTM and GRU block cells and"
          + " the cuDNN recurrent ops, at the shapes propagated from the inputs (the graph's own"
          + " _output_shapes fill in what propagation leaves unknown); element-wise,"
          + " normalisation, pooling, softmax and shape ops count 0 but pass their shapes on";

  public static String tfServingOnly(int calls) {
    return "only what the serving signature runs is counted: the functions its calls reach, each"
        + " call once with the shapes it is given"
        + (calls > 0 ? " (" + calls + " calls)" : "")
        + "; other traces of the same layers and the save and restore functions are not";
  }

  public static final String TF_UNKNOWN_CAUSES =
      "an unknown op, shapes that depend on the data, or a loop";

  public static final String TF_CONTROL_FLOW =
      "While, If and Case bodies and the ops inside TF1 loop frames (Enter ... Exit) are not"
          + " counted: they run a data-dependent number of times, so a loop whose body"
          + " multiplies is listed as cost unknown";

  public static String tfTruncated(int maxDepth, long maxWalked) {
    return "function calls nested deeper than "
        + maxDepth
        + " or past "
        + maxWalked
        + " walked nodes are listed as cost unknown";
  }

  public static String tfBytesMoved(DType dtype, List<String> unsized) {
    return "bytes moved: the variables and the constants the inference reads once (floating-point"
        + " ones at "
        + dtype
        + ", integer ones at their stored size), plus the graph's inputs and outputs;"
        + " activations between ops are assumed to stay on chip"
        + unsizedOutputs(unsized);
  }

  // ---- Keras models

  public static String kerasUnshapedInputs(int batch) {
    return "model inputs without a declared shape are unknown, and so is what depends on them,"
        + " except where a layer's own build_config gives its input shape (its batch axis"
        + " then taken as "
        + batch
        + ")";
  }

  public static final String KERAS_COUNTED =
      "multiply-accumulates are counted for Dense (on the last axis), the convolutions (Conv1D"
          + " to Conv3D, their Transpose forms, DepthwiseConv, SeparableConv), LSTM, GRU and"
          + " SimpleRNN (gates x units x (input width + units) per step; Bidirectional counts"
          + " both directions), MultiHeadAttention (query, key, value and output projections,"
          + " QK^T and AV), Attention and Dot; embeddings, element-wise, normalisation, pooling and"
          + " layout layers count 0 but pass their shapes on; layers of a nested model are"
          + " counted as its own";

  public static String kerasReusedLayers(int reused) {
    return reused
        + " shared layer"
        + (reused == 1 ? " is" : "s are")
        + " called more than once; each call is counted at the shape of the first";
  }

  public static final String KERAS_UNKNOWN_CAUSES =
      "a Lambda or custom layer, a class not modelled here, or an input shape that stayed unknown";

  public static String kerasBytesMoved(boolean fromDatasets, DType dtype, List<String> unsized) {
    return "bytes moved: the weights once ("
        + (fromDatasets
            ? "the file's weight datasets, floating-point ones"
            : "the parameters estimated from the layer configs")
        + " at "
        + dtype
        + "), plus the model's inputs and outputs; activations between layers are assumed"
        + " to stay on chip"
        + unsizedOutputs(unsized);
  }

  // ---- Hugging Face config layouts

  public static String unetStep(int latent, int textTokens) {
    return "one denoising step of the unet on a "
        + latent
        + "x"
        + latent
        + " latent ("
        + latent * 8
        + " px images) with "
        + textTokens
        + " text tokens; a generation runs the step once per scheduler step (and twice with"
        + " classifier-free guidance) plus the text encoder and VAE decoder once";
  }

  public static final String UNET_WEIGHTS = "weights counted for the unet only";

  /** One step of a transformer denoiser over latent patches and the text tokens it attends to. */
  public static String transformerStep(int latent, long imageTokens, int textTokens) {
    return "one denoising step of the transformer on a "
        + latent
        + "x"
        + latent
        + " latent ("
        + latent * 8
        + " px images): "
        + imageTokens
        + " latent tokens and "
        + textTokens
        + " text tokens (--image-size and --seq-len set them); a generation runs the step once"
        + " per scheduler step plus the text encoders and VAE decoder once";
  }

  public static final String TRANSFORMER_WEIGHTS = "weights counted for the transformer only";

  public static String images(int image) {
    return image + "x" + image + " images";
  }

  public static String vitTokens(int image, int tokens) {
    return images(image) + ", " + tokens + " tokens (patches and the class token)";
  }

  public static String clipPrompt(int tokens) {
    return "the text tower on one prompt of "
        + tokens
        + " tokens per pass, the least a pass with text runs (label prompts are shared by the"
        + " images of a batch)";
  }

  public static String encoderAttention(int seq) {
    return "attention over all "
        + seq
        + " tokens of each sequence; task heads other than language-model heads are not counted";
  }

  /**
   * @param seq the compiled maximum sequence length, which sizes the KV cache
   * @param prompt the prompt tokens prefill processes
   * @param output generated tokens, when given
   * @param context the context the decode step is computed at
   */
  public static List<String> decoderPhases(
      int seq, int prompt, java.util.OptionalInt output, double context) {
    String ctx =
        context == Math.rint(context)
            ? String.valueOf((long) context)
            : String.format(java.util.Locale.ROOT, "%.1f", context);
    return List.of(
        "prefill processes the "
            + prompt
            + "-token prompt and produces the first token (causal attention); the language-model"
            + " head runs for the last position only",
        output.isPresent()
            ? "decode is the mean time per output token over "
                + output.getAsInt()
                + " generated tokens, at the mean context of "
                + ctx
                + " tokens, reading the weights once per step and the KV cache up to the context"
            : "decode is one generated token at a context of "
                + ctx
                + " tokens (the longest), reading the weights once and the KV cache up to the"
                + " context",
        "the KV cache holds keys and values for "
            + seq
            + " tokens (the compiled maximum) of every sequence in the batch");
  }

  /** Mixture of experts: the expert weights one step reads. */
  public static String expertsRead(long experts, long active) {
    return "a step reads the weights of the distinct experts its tokens route to: for B tokens, "
        + experts
        + " × (1 − (1 − "
        + active
        + "/"
        + experts
        + ")^B) of "
        + experts
        + " routed experts, plus the shared and dense parts";
  }

  /** The bounds count only traffic no run avoids; activations are a separate, likely figure. */
  public static String activationsLikely(long bytes) {
    return activationsLikely(bytes, List.of());
  }

  /**
   * The same, naming each target's on-chip memory per NeuronCore ({@code onChip}, e.g. {@code "inf2
   * SBUF 24 MiB"}): what decides whether the activations stay on chip.
   */
  public static String activationsLikely(long bytes, List<String> onChip) {
    return "the bounds count only traffic no run avoids (weights, KV cache, inputs and outputs);"
        + " activations crossing layers, "
        + dev.neuronfit.model.Quantities.bytes(bytes)
        + " a pass, likely move through device memory too where on-chip memory cannot hold them"
        + (onChip.isEmpty()
            ? ""
            : " (on-chip memory per NeuronCore: " + String.join("; ", onChip) + ")")
        + ", and are not in the bounds";
  }

  /**
   * @param srcUnit what the encoder reads: source tokens, or the audio frames a speech encoder's
   *     convolutions make of the mel spectrogram (Whisper)
   */
  public static List<String> encoderDecoderPhases(int src, Phase.InputUnit srcUnit, int tgt) {
    String source =
        srcUnit == Phase.InputUnit.AUDIO_FRAMES ? src + " audio frames" : src + " source tokens";
    return List.of(
        "prefill encodes "
            + source
            + (srcUnit == Phase.InputUnit.AUDIO_FRAMES
                ? " (one encoder position each, after the convolutions over the mel spectrogram)"
                : "")
            + " and projects the cross-attention keys and values once",
        "decode is one decoder step at a target context of "
            + tgt
            + " tokens, attending to "
            + src
            + " encoder outputs",
        "the KV cache holds self-attention entries for "
            + tgt
            + " target tokens and cross-attention entries for "
            + source);
  }

  /**
   * A decoder sized at a serving context shorter than its maximum, with the device memory the full
   * context would need (weights plus the KV cache at the maximum).
   */
  public static String servingContext(int tokens, int max, long fullBytes) {
    return String.format(
        Locale.ROOT,
        "sized for a serving context of %,d tokens (--seq-len sets it); at the model's full context"
            + " of %,d tokens the weights and KV cache need %s",
        tokens,
        max,
        dev.neuronfit.model.Quantities.bytes(fullBytes));
  }
}
