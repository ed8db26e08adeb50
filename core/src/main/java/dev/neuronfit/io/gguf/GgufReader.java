package dev.neuronfit.io.gguf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a GGUF file (llama.cpp, ggml): parameters and bytes are summed from its tensor infos (bytes
 * from ggml's block sizes), and its metadata is shown to the rest of neuronfit as a config: every
 * kept GGUF key as is ({@code general.architecture}, {@code llama.context_length} ...), plus the
 * Hugging Face names of the same hyperparameters ({@code model_type}, {@code hidden_size}, {@code
 * num_hidden_layers} ...), so that the family and the workload come out as for the Hugging Face
 * model the file was converted from.
 */
public final class GgufReader implements ModelReader {
  /**
   * GGUF architecture names that differ from the transformers {@code model_type} of the same
   * models, as llama.cpp's convert_hf_to_gguf.py registers them.
   */
  private static final Map<String, String> MODEL_TYPES =
      Map.of(
          "gptneox", "gpt_neox",
          "command-r", "cohere",
          "qwen2moe", "qwen2_moe",
          "qwen3moe", "qwen3_moe",
          "phi2", "phi",
          "starcoder", "gpt_bigcode",
          "deepseek2", "deepseek_v2",
          "nomic-bert", "nomic_bert");

  /** GGUF hyperparameter suffixes ({@code <arch>.<suffix>}) and their transformers names. */
  private static final List<String[]> HYPERPARAMETERS =
      List.of(
          new String[] {"embedding_length", "hidden_size"},
          new String[] {"block_count", "num_hidden_layers"},
          new String[] {"attention.head_count", "num_attention_heads"},
          new String[] {"attention.head_count_kv", "num_key_value_heads"},
          new String[] {"context_length", "max_position_embeddings"},
          new String[] {"feed_forward_length", "intermediate_size"},
          new String[] {"vocab_size", "vocab_size"},
          new String[] {"expert_count", "num_local_experts"},
          new String[] {"expert_used_count", "num_experts_per_tok"});

  /**
   * Reads a GGUF header as {@link #read} does, reading the same bytes, and keeps nothing: run over
   * a file on the Hub read by ranges, it fetches what a later read of the sparse copy needs.
   *
   * @throws ModelFormatException when the header is malformed
   */
  public static void walk(ByteSource source, ReadLimits limits) throws IOException {
    GgufFile.read(source, source.shown().getFileName().toString(), limits);
  }

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new ModelFormatException(path, "", "no such file");
    }
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    GgufFile gguf = GgufFile.read(path, path, name, limits);
    Notes notes = new Notes(limits);
    Map<String, Object> meta = gguf.metadata();
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    meta.forEach((k, v) -> put(config, k, v));
    Optional<String> arch =
        meta.get("general.architecture") instanceof String a ? Optional.of(a) : Optional.empty();
    if (arch.isEmpty()) {
      notes.add(name + ": no general.architecture in the GGUF metadata");
    }
    arch.ifPresent(
        a -> {
          config.put("model_type", MODEL_TYPES.getOrDefault(a, a));
          for (String[] h : HYPERPARAMETERS) {
            if (meta.get(a + "." + h[0]) instanceof Long n) {
              config.put(h[1], n);
            }
          }
        });
    if (!config.has("vocab_size")) {
      vocabulary(gguf).ifPresent(n -> config.put("vocab_size", n));
    }
    if (config.has("num_attention_heads") && !config.has("num_key_value_heads")) {
      config.put("num_key_value_heads", config.get("num_attention_heads").asLong());
    }
    notes.add(
        name
            + ": GGUF version "
            + gguf.version()
            + ", "
            + gguf.tensors().size()
            + " tensors"
            + fileType(meta));
    return new ModelProfile(
        path.toString(),
        ModelFormat.GGUF,
        Framework.UNKNOWN,
        WeightSummary.fromTensors(gguf.tensors(), "GGUF tensor infos of " + name),
        gguf.tensors(),
        Optional.of(
            new HfMetadata(
                Optional.of(new HfConfig(name + " (GGUF metadata)", config)),
                Optional.empty(),
                List.of())),
        Optional.empty(),
        List.of(),
        notes.list());
  }

  private static void put(ObjectNode config, String key, Object v) {
    if (v instanceof Long n) {
      config.put(key, n);
    } else if (v instanceof Double d) {
      config.put(key, d);
    } else if (v instanceof Boolean b) {
      config.put(key, b);
    } else if (v instanceof String s) {
      config.put(key, s);
    } else if (v instanceof GgufFile.ArrayValue a) {
      config.put(key, "[" + a.length() + " " + a.elementType() + " values, not kept]");
    }
  }

  /** The vocabulary size from the token embedding ({@code token_embd.weight}: [hidden, vocab]). */
  private static Optional<Long> vocabulary(GgufFile gguf) {
    for (TensorInfo t : gguf.tensors()) {
      if (t.name().equals("token_embd.weight") && t.rank() == 2) {
        return Optional.of(t.shape().get(1));
      }
    }
    if (gguf.metadata().get("tokenizer.ggml.tokens") instanceof GgufFile.ArrayValue a) {
      return Optional.of(a.length());
    }
    return Optional.empty();
  }

  private static String fileType(Map<String, Object> meta) {
    Object t = meta.get("general.file_type");
    return t instanceof Long n ? " (general.file_type " + n + ")" : "";
  }
}
