package dev.neuronfit.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GGUF file built from the published layout of a Llama checkpoint: the tensors of the
 * tiny-llama-2-sharded example (transformers' LlamaForCausalLM names and shapes), renamed as
 * llama.cpp's converter names them (gguf-py's tensor_mapping.py) with dimensions reversed (GGUF
 * lists ne[0], the row length, first), with the hyperparameters of its config.json.
 */
class GgufReaderTest {
  private static final Path LLAMA = TestFiles.examples().resolve("tiny-llama-2-sharded");
  private static final String SOURCE = "https://huggingface.co/example/tiny-llama-2";
  private static final KnowledgeBase KB = KnowledgeBase.load();

  @TempDir static Path dir;
  private static ModelProfile safetensors;
  private static Path file;
  private static long expectedBytes;

  @BeforeAll
  static void build() throws IOException {
    safetensors = new HfReader().read(LLAMA, ReadLimits.DEFAULT);
    GgufBytes g =
        new GgufBytes()
            .string("general.architecture", "llama")
            .string("general.name", "Tiny Llama 2")
            .string("general.base_model.0.repo_url", SOURCE)
            .u32("general.alignment", 32)
            .u32("llama.context_length", 4096)
            .u32("llama.embedding_length", 64)
            .u32("llama.block_count", 4)
            .u32("llama.feed_forward_length", 172)
            .u32("llama.attention.head_count", 4)
            .u32("llama.attention.head_count_kv", 4)
            .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .strings("tokenizer.ggml.tokens", 1000);
    long bytes = 0;
    for (TensorInfo t : safetensors.tensors()) {
      long[] dims = new long[t.rank()];
      for (int i = 0; i < t.rank(); i++) {
        dims[i] = t.shape().get(t.rank() - 1 - i);
      }
      int type;
      long size;
      if (dims.length == 1) {
        type = 0; // F32: 4 bytes an element
        size = t.elements() * 4;
      } else if (dims[0] % 32 == 0) {
        type = 8; // Q8_0: blocks of 32 elements in 34 bytes
        size = t.elements() / 32 * 34;
      } else {
        type = 1; // F16: 2 bytes an element
        size = t.elements() * 2;
      }
      bytes += size;
      g.tensor(new GgufBytes.Tensor(ggufName(t.name()), dims, type, size));
    }
    expectedBytes = bytes;
    file = g.write(Files.createDirectories(dir.resolve("llama")).resolve("tiny-llama-2.Q8_0.gguf"));
  }

  private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

  /** llama.cpp's name for a transformers Llama tensor. */
  private static String ggufName(String hf) {
    switch (hf) {
      case "model.embed_tokens.weight":
        return "token_embd.weight";
      case "lm_head.weight":
        return "output.weight";
      case "model.norm.weight":
        return "output_norm.weight";
      default:
        break;
    }
    Matcher m = LAYER.matcher(hf);
    if (!m.matches()) {
      throw new IllegalArgumentException(hf);
    }
    String part =
        switch (m.group(2)) {
          case "input_layernorm.weight" -> "attn_norm";
          case "self_attn.q_proj.weight" -> "attn_q";
          case "self_attn.k_proj.weight" -> "attn_k";
          case "self_attn.v_proj.weight" -> "attn_v";
          case "self_attn.o_proj.weight" -> "attn_output";
          case "post_attention_layernorm.weight" -> "ffn_norm";
          case "mlp.gate_proj.weight" -> "ffn_gate";
          case "mlp.up_proj.weight" -> "ffn_up";
          case "mlp.down_proj.weight" -> "ffn_down";
          default -> throw new IllegalArgumentException(hf);
        };
    return "blk." + m.group(1) + "." + part + ".weight";
  }

  @Test
  void parametersAreExactlyThoseOfTheCheckpointItCameFrom() throws IOException {
    ModelProfile p = new GgufReader().read(file, ReadLimits.DEFAULT);

    assertThat(p.format()).isEqualTo(ModelFormat.GGUF);
    assertThat(p.weights().parameters()).hasValue(326_208);
    assertThat(p.weights().parameters()).isEqualTo(safetensors.weights().parameters());
    assertThat(p.weights().bytes()).hasValue(expectedBytes);
    assertThat(p.weights().estimated()).isFalse();
    assertThat(p.tensors()).hasSize(39);
    assertThat(p.tensors())
        .filteredOn(t -> t.name().equals("blk.0.attn_q.weight"))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.shape()).containsExactly(64L, 64L);
              assertThat(t.dtype()).isEqualTo(DType.GGML_QUANT);
              assertThat(t.bytes()).isEqualTo(64 * 64 / 32 * 34);
            });
    assertThat(p.tensors())
        .filteredOn(t -> t.name().equals("blk.3.ffn_down.weight"))
        .singleElement()
        .satisfies(t -> assertThat(t.dtype()).isEqualTo(DType.F16));
  }

  @Test
  void architectureAndHyperparametersComeFromTheMetadata() throws IOException {
    HfConfig c = new GgufReader().read(file, ReadLimits.DEFAULT).hf().get().config().get();

    assertThat(c.string("general.architecture")).hasValue("llama");
    assertThat(c.string("model_type")).hasValue("llama");
    assertThat(c.integer("hidden_size")).hasValue(64);
    assertThat(c.integer("num_hidden_layers")).hasValue(4);
    assertThat(c.integer("num_attention_heads")).hasValue(4);
    assertThat(c.integer("max_position_embeddings")).hasValue(4096);
    assertThat(c.integer("intermediate_size")).hasValue(172);
    assertThat(c.integer("vocab_size")).hasValue(1000);
    assertThat(c.string("tokenizer.ggml.tokens")).hasValue("[1000 string values, not kept]");
  }

  @Test
  void theReportIsADecoderWithTheGgufFindingNamingTheSource() throws IOException {
    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located m = inspector.locate(file.getParent()).get(0);

    Report r = inspector.inspect(m, KB.defaultEdition(), Selection.ALL);

    assertThat(m.path()).isEqualTo(file);
    assertThat(r.architecture().family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(r.model().weights().parameters()).hasValue(326_208);
    assertThat(r.findings())
        .filteredOn(f -> f.rule().equals("gguf-not-neuron"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains(SOURCE));
    assertThat(r.workload()).isPresent();
  }

  @Test
  void aTruncatedFileIsRefusedNamingTheTensorPastTheEnd() throws IOException {
    Path cut = Files.copy(file, dir.resolve("cut.gguf"));
    try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
      raf.setLength(raf.length() - 1);
    }

    assertThatThrownBy(() -> new GgufReader().read(cut, ReadLimits.DEFAULT))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("cut.gguf")
        .hasMessageContaining("past the end of the file");
  }

  @Test
  void versionOneIsRefusedWithTheReason() throws IOException {
    Path v1 =
        new GgufBytes()
            .version(1)
            .string("general.architecture", "llama")
            .write(dir.resolve("v1.gguf"));

    assertThatThrownBy(() -> new GgufReader().read(v1, ReadLimits.DEFAULT))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("byte 4: GGUF version 1");
  }

  @Test
  void anUnknownGgmlTypeIsRefused() throws IOException {
    Path odd =
        new GgufBytes()
            .tensor(new GgufBytes.Tensor("x", new long[] {32}, 4, 32))
            .write(dir.resolve("odd.gguf"));

    assertThatThrownBy(() -> new GgufReader().read(odd, ReadLimits.DEFAULT))
        .hasMessageContaining("tensor x: unknown ggml type 4");
  }

  @Test
  void aFileWithoutMetadataStillCountsItsTensors() throws IOException {
    Path bare =
        new GgufBytes()
            .tensor(new GgufBytes.Tensor("w", new long[] {256, 2}, 12, 2 * 144))
            .write(dir.resolve("bare.gguf"));

    ModelProfile p = new GgufReader().read(bare, ReadLimits.DEFAULT);

    assertThat(p.weights().parameters()).hasValue(512);
    assertThat(p.weights().bytes()).hasValue(288);
    assertThat(p.notes()).anyMatch(n -> n.contains("no general.architecture"));
  }
}
