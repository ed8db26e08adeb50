package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roofline and sizing of a quantized checkpoint move and hold its weights at their stored
 * width; activations and the KV cache stay at the device type.
 */
class QuantizedTrafficTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Llama-2-7B's architecture keys (examples/llama-2-7b), stored in float16. */
  private static final String LLAMA_2_7B =
      """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
       "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
       "num_key_value_heads": 32, "intermediate_size": 11008, "vocab_size": 32000,
       "rms_norm_eps": 1e-05, "max_position_embeddings": 4096, "tie_word_embeddings": false,
       "torch_dtype": "float16"}
      """;

  private static final String GPTQ_4BIT =
      "{\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 128, \"desc_act\": false}";

  private static final long PARAMETERS = 6_738_415_616L;

  /** The token embeddings and the untied head, which GPTQ leaves at 16 bits. */
  private static final long EMBEDDINGS = 2L * 32_000 * 4_096;

  private static Report report(Path dir) throws IOException {
    var opts =
        new WorkloadOptions(
            OptionalInt.empty(), OptionalInt.of(2048), OptionalInt.empty(), Optional.empty(), 1.0);
    return INSPECTOR.report(
        new HfReader().read(dir, ReadLimits.DEFAULT),
        KB.defaultEdition(),
        Selection.ALL,
        opts,
        KB.hardware());
  }

  private static Path folder(Path dir, String name, String config, String quantization)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    ObjectNode c = (ObjectNode) JSON.readTree(config);
    if (quantization != null) {
      c.set("quantization_config", JSON.readTree(quantization));
    } else {
      c.remove("quantization_config");
    }
    Files.writeString(d.resolve("config.json"), JSON.writeValueAsString(c));
    return d;
  }

  private static double moved(Workload w, String phase) {
    return w.phase(phase).orElseThrow().bytesMoved();
  }

  @Test
  void gptqFourBitDecodeMovesAQuarterOfTheSixteenBitWeightsPlusTheEmbeddings(@TempDir Path dir)
      throws IOException {
    Workload plain = report(folder(dir, "f16", LLAMA_2_7B, null)).workload().orElseThrow();
    Report r = report(folder(dir, "gptq", LLAMA_2_7B, GPTQ_4BIT));
    Workload gptq = r.workload().orElseThrow();

    // unquantized: every weight at BF16, 2 bytes
    assertThat(plain.weightBytes()).isEqualTo(2 * PARAMETERS);
    assertThat(plain.quantization()).isEmpty();
    // quantized: the embeddings and head at BF16, the block weights at 4 bits with an fp16 scale
    // and a 4-bit zero point per 128 (0.02 bytes a weight), so a quarter and 4% of 16 bits
    long blocks = gptq.weightBytes() - 2 * EMBEDDINGS;
    double ratio = blocks / (2.0 * (PARAMETERS - EMBEDDINGS));
    assertThat(ratio).isBetween(0.25, 0.27);
    // the decode step (and prefill) read exactly those bytes instead: KV cache and logits as before
    assertThat(moved(plain, "decode") - moved(gptq, "decode"))
        .isEqualTo((double) (plain.weightBytes() - gptq.weightBytes()));
    assertThat(moved(plain, "prefill") - moved(gptq, "prefill"))
        .isEqualTo((double) (plain.weightBytes() - gptq.weightBytes()));
    assertThat(gptq.kvCacheBytes()).isEqualTo(plain.kvCacheBytes()).isPositive();
    assertThat(gptq.dtype()).isEqualTo(plain.dtype());
    // no Neuron stack runs GPTQ (kb/support-now.json), so every target sizes it at BF16
    assertThat(r.estimates().get("inf2").sizing().deviceMemoryBytesNeeded())
        .isEqualTo(plain.weightBytes() + plain.kvCacheBytes());
    assertThat(r.estimates().get("inf2").sizing().notes().get(0))
        .endsWith("weights held at BF16: no current inf2 stack runs GPTQ for this model");
    assertThat(gptq.assumptions())
        .anySatisfy(
            a ->
                assertThat(a)
                    .startsWith("weights quantized as GPTQ 4-bit, group 128 are held as BF16")
                    .contains("(12.6 GiB of weights in all) on inf1, trn1, inf2, trn2, trn3")
                    .endsWith(
                        "activations and the KV cache are BF16 on the device (change with"
                            + " --dtype)"))
        .noneSatisfy(a -> assertThat(a).startsWith("weights and activations are"));
    assertThat(plain.assumptions()).anySatisfy(a -> assertThat(a).startsWith("weights and"));
  }

  @Test
  void mxfp4ExpertsAreReadAtTheirStoredWidthByDecode(@TempDir Path dir) throws IOException {
    Path example = TestFiles.examples().resolve("gpt-oss-20b");
    String config = Files.readString(example.resolve("config.json"));
    Workload bf16 = report(folder(dir, "bf16", config, null)).workload().orElseThrow();
    Workload mxfp4 = report(example).workload().orElseThrow();

    assertThat(mxfp4.quantization().orElseThrow().expertsOnly()).isTrue();
    // the experts are most of gpt-oss-20b: at 4 bits and a scale per 32 they hold about a third
    long saved = bf16.weightBytes() - mxfp4.weightBytes();
    assertThat((double) mxfp4.weightBytes() / bf16.weightBytes()).isBetween(0.28, 0.36);
    // one decode step reads 4 of the 32 experts of each layer, so it saves a part of that, and
    // prefill over 2048 tokens reads every expert, so it saves all of it
    double decodeSaved = moved(bf16, "decode") - moved(mxfp4, "decode");
    assertThat(decodeSaved / saved).isBetween(4.0 / 32 * 0.9, 4.0 / 32 * 1.5);
    assertThat(moved(bf16, "prefill") - moved(mxfp4, "prefill"))
        .isCloseTo(saved, org.assertj.core.api.Assertions.within(saved * 0.001));
    assertThat(mxfp4.kvCacheBytes()).isEqualTo(bf16.kvCacheBytes());
  }
}
