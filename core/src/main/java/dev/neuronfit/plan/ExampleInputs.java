package dev.neuronfit.plan;

import dev.neuronfit.estimate.Workload;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fixed-shape example inputs a traced or compiled model needs: the model's own input names,
 * element types and shapes where its files give them (an ONNX signature, a Hugging Face config),
 * with every dynamic dimension fixed to the planned batch, length or image size.
 */
final class ExampleInputs {
  /** Sequence length used for text models when neither the workload nor the config gives one. */
  static final int DEFAULT_TOKENS = 128;

  /** Image side used for image models when neither the workload nor the config gives one. */
  static final int DEFAULT_IMAGE = 224;

  /**
   * One example input.
   *
   * @param name the model's own input name
   * @param dtype the torch element type name, e.g. {@code int64}
   * @param shape fixed dimensions
   * @param origin where the name, type and shape come from
   */
  record Input(String name, String dtype, List<Long> shape, String origin) {
    Input {
      shape = List.copyOf(shape);
    }

    String shapeText() {
      return "("
          + String.join(", ", shape.stream().map(String::valueOf).toList())
          + (shape.size() == 1 ? ",)" : ")");
    }
  }

  /**
   * Inputs and what could not be fixed.
   *
   * @param inputs the inputs in the model's order
   * @param notes dimensions fixed by assumption, or inputs that cannot be static
   */
  record Inputs(List<Input> inputs, List<String> notes) {
    Inputs {
      inputs = List.copyOf(inputs);
      notes = List.copyOf(notes);
    }
  }

  private ExampleInputs() {}

  static int batch(Optional<Workload> w) {
    return w.map(Workload::batch).orElse(1);
  }

  static int tokens(Optional<Workload> w, int cap) {
    int t = w.flatMap(Workload::sequenceLength).orElse(DEFAULT_TOKENS);
    return Math.min(t, cap);
  }

  static int image(Optional<Workload> w) {
    return w.flatMap(Workload::imageSize).orElse(DEFAULT_IMAGE);
  }

  /** From an ONNX (or Keras) graph signature, dynamic dimensions fixed by position. */
  static Inputs fromGraph(List<ValueInfo> signature, Optional<Workload> w, int tokenCap) {
    List<Input> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (ValueInfo v : signature) {
      String dtype = v.elementType().map(ExampleInputs::torchType).orElse("float32");
      List<Long> shape = new ArrayList<>();
      List<ValueInfo.Dim> dims = v.shape();
      for (int i = 0; i < dims.size(); i++) {
        ValueInfo.Dim d = dims.get(i);
        if (d.isKnown() && d.value() > 0) {
          shape.add(d.value());
          continue;
        }
        long fixed;
        String why;
        if (i == 0) {
          fixed = batch(w);
          why = "batch";
        } else if (dims.size() == 4 && i >= 2) {
          fixed = image(w);
          why = "image side";
        } else if (dtype.startsWith("int") && dims.size() == 2) {
          fixed = tokens(w, tokenCap);
          why = "sequence length";
        } else {
          fixed = 1;
          why = "no rule for this axis; set it to the size you serve";
        }
        shape.add(fixed);
        notes.add(
            "input "
                + v.name()
                + " axis "
                + i
                + " is dynamic ("
                + (d.symbol().isEmpty() ? "unnamed" : d.symbol())
                + "): compiled as "
                + fixed
                + " ("
                + why
                + ")");
      }
      if (v.elementType().isEmpty()) {
        notes.add("input " + v.name() + " has no element type in the file: float32 assumed");
      }
      out.add(new Input(v.name(), dtype, shape, "the model's signature"));
    }
    return new Inputs(out, notes);
  }

  /** From a Hugging Face config, by family. */
  static Inputs fromConfig(
      ModelProfile profile, Family family, Optional<Workload> w, int tokenCap) {
    Optional<HfConfig> c = profile.hf().flatMap(h -> h.config());
    int b = batch(w);
    List<Input> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String type = c.flatMap(x -> x.string("model_type")).orElse("");
    if (type.equals("whisper")) {
      long mels = c.flatMap(x -> box(x.integer("num_mel_bins"))).orElse(80L);
      long frames = 2 * c.flatMap(x -> box(x.integer("max_source_positions"))).orElse(1500L);
      out.add(
          new Input(
              "input_features",
              "float32",
              List.of((long) b, mels, frames),
              "config.json num_mel_bins"));
      out.add(new Input("decoder_input_ids", "int64", List.of((long) b, 1L), "one decoder step"));
      return new Inputs(out, notes);
    }
    switch (family) {
      case CNN, VISION_TRANSFORMER, R_CNN -> {
        long side = c.flatMap(x -> box(x.integer("image_size"))).orElse((long) image(w));
        long channels = c.flatMap(x -> box(x.integer("num_channels"))).orElse(3L);
        out.add(
            new Input(
                "pixel_values",
                "float32",
                List.of((long) b, channels, side, side),
                "config.json image_size and num_channels (or the planned image size)"));
      }
      default -> {
        long t = tokens(w, tokenCap);
        out.add(
            new Input("input_ids", "int64", List.of((long) b, t), "tokens of the planned length"));
        out.add(
            new Input(
                "attention_mask", "int64", List.of((long) b, t), "tokens of the planned length"));
        if (family == Family.TRANSFORMER_ENCODER_DECODER) {
          out.add(
              new Input("decoder_input_ids", "int64", List.of((long) b, 1L), "one decoder step"));
        }
      }
    }
    return new Inputs(out, notes);
  }

  private static Optional<Long> box(java.util.OptionalLong v) {
    return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
  }

  /** The torch dtype name of an element type. */
  static String torchType(DType t) {
    return switch (t) {
      case F64 -> "float64";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      case I64, U64 -> "int64";
      case I32, U32 -> "int32";
      case I16, U16 -> "int16";
      case I8 -> "int8";
      case U8 -> "uint8";
      case BOOL -> "bool";
      default -> "float32";
    };
  }

  /** A short lower-case name for file names. */
  static String stem(String path) {
    String p = path.replaceAll("[/\\\\]+$", "");
    int slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    String last = slash >= 0 ? p.substring(slash + 1) : p;
    int dot = last.lastIndexOf('.');
    if (dot > 0) {
      last = last.substring(0, dot);
    }
    String s = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    return s.isEmpty() || s.startsWith(".") || s.startsWith("-") ? "model" : s;
  }
}
