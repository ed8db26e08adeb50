package dev.neuronfit.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Quantization;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each target holds a quantized checkpoint's weights at their stored width only where today's
 * support data says a stack there runs the checkpoint's method; elsewhere at the device type.
 */
class WeightWidthTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GIB = 1L << 30;

  /** Llama-2-7B's architecture keys (examples/llama-2-7b). */
  private static final String LLAMA_2_7B =
      """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
       "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
       "num_key_value_heads": 32, "intermediate_size": 11008, "vocab_size": 32000,
       "rms_norm_eps": 1e-05, "max_position_embeddings": 4096, "tie_word_embeddings": false,
       "torch_dtype": "float16",
       "quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128}}
      """;

  private static Report report(Path dir) throws IOException {
    var opts =
        new WorkloadOptions(
            OptionalInt.empty(), OptionalInt.of(4096), OptionalInt.empty(), Optional.empty(), 1.0);
    return INSPECTOR.report(
        new HfReader().read(dir, ReadLimits.DEFAULT),
        KB.defaultEdition(),
        Selection.ALL,
        opts,
        KB.hardware());
  }

  private static Workload on(Report r, String target) {
    return r.estimates().get(target).workload();
  }

  @Test
  void gptOssMxfp4IsHeldAsBf16OnTrn2AndAtItsStoredWidthOnTrn3() throws IOException {
    Report r = report(TestFiles.examples().resolve("gpt-oss-20b"));
    Workload stored = r.workload().orElseThrow();
    Workload trn2 = on(r, "trn2");
    Workload trn3 = on(r, "trn3");

    // trn3 runs MXFP4 (vLLM Neuron plugin): 12.8 GiB of weights, one 36 GiB core
    assertThat(trn3.weightBytes()).isEqualTo(stored.weightBytes());
    assertThat(trn3.weightBytes() / (double) GIB).isBetween(12.0, 13.5);
    assertThat(trn3.width().orElseThrow().stored()).isTrue();
    assertThat(r.estimates().get("trn3").sizing().neuronCores()).isEqualTo(1);
    // trn2's gpt-oss recipe runs BF16: 2 bytes for each of 20.9 B parameters, 39 GiB, two cores
    assertThat(trn2.quantization()).isEmpty();
    assertThat(trn2.weightBytes()).isEqualTo(2 * r.model().weights().parameters().getAsLong());
    assertThat(trn2.weightBytes() / (double) GIB).isBetween(38.5, 39.5);
    assertThat(trn2.width().orElseThrow().stored()).isFalse();
    Sizing s = r.estimates().get("trn2").sizing();
    assertThat(s.deviceMemoryBytesNeeded()).isEqualTo(trn2.weightBytes() + trn2.kvCacheBytes());
    assertThat(s.tensorParallelDegree()).contains(2);
    assertThat(s.notes().get(0))
        .endsWith("weights held at BF16: no current trn2 stack runs MXFP4 for this model");
    assertThat(r.estimates().get("trn3").sizing().notes().get(0))
        .endsWith(
            "weights held at their stored MXFP4 width: vLLM Neuron plugin runs MXFP4 on trn3");
    // inf1, inf2 and trn1 run no MXFP4 either
    for (String t : List.of("inf1", "inf2", "trn1")) {
      assertThat(on(r, t).weightBytes()).as(t).isEqualTo(trn2.weightBytes());
    }
    assertThat(stored.assumptions())
        .anySatisfy(
            a ->
                assertThat(a)
                    .contains("(12.8 GiB of weights in all) on trn3, whose path runs MXFP4")
                    .contains(
                        "held as BF16 (39.0 GiB of weights in all) on inf1, trn1, inf2, trn2"));
  }

  @Test
  void inf1PipelineRuleCountsTheParametersNotTheStoredBytes() throws IOException {
    Report r = report(TestFiles.examples().resolve("gpt-oss-20b"));
    long parameters = r.model().weights().parameters().getAsLong();
    // 4 x round(parameters / 2e7), as the rule of thumb reads it
    assertThat(r.estimates().get("inf1").sizing().pipelineCores())
        .contains((int) (4 * Math.round(parameters / 2e7)));
  }

  @Test
  void gptqIsHeldAtTheDeviceTypeOnEveryTargetForNoStackRunsIt(@TempDir Path dir)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve("gptq"));
    Files.writeString(d.resolve("config.json"), LLAMA_2_7B);
    Report r = report(d);
    Workload stored = r.workload().orElseThrow();
    long parameters = r.model().weights().parameters().getAsLong();
    assertThat(stored.weightBytes()).isLessThan(parameters); // about 4 bits a weight
    for (String t : r.estimates().keySet()) {
      Workload w = on(r, t);
      assertThat(w.weightBytes()).as(t).isEqualTo(2 * parameters);
      assertThat(w.width().orElseThrow().reason())
          .isEqualTo("weights held at BF16: no current " + t + " stack runs GPTQ for this model");
      assertThat(r.estimates().get(t).sizing().deviceMemoryBytesNeeded())
          .isEqualTo(2 * parameters + w.kvCacheBytes());
    }
  }

  @Test
  void aQuantizedModelWithoutALayoutIsHeldAtItsStoredBytesWhereTheMethodRuns(@TempDir Path dir)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve("fp8"));
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add("MysteryForCausalLM");
    c.put("model_type", "mystery");
    c.putObject("quantization_config").put("quant_method", "fp8");
    Files.writeString(d.resolve("config.json"), JSON.writeValueAsString(c));
    // one FP8 tensor of 4 M weights, one byte each
    safetensors(d.resolve("model.safetensors"), "F8_E4M3", 2048, 2048);
    Report r = report(d);
    Workload stored = r.workload().orElseThrow();
    assertThat(stored.method()).startsWith("weights only");
    assertThat(stored.quantization().map(Quantization::method)).contains("fp8");
    long elements = 2048L * 2048;
    assertThat(stored.weightBytes()).isEqualTo(elements);
    // NxD Inference runs FP8 on inf2, trn1, trn2 and trn3; inf1's frozen stack runs none
    assertThat(on(r, "inf2").weightBytes()).isEqualTo(elements);
    assertThat(on(r, "inf2").width().orElseThrow().stored()).isTrue();
    assertThat(on(r, "inf1").weightBytes()).isEqualTo(2 * elements);
    assertThat(on(r, "inf1").width().orElseThrow().stored()).isFalse();
  }

  @Test
  void aGptqCheckpointUnderTwoGigabytesIsOverTheInf1LimitAtTheDeviceType(@TempDir Path dir)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve("gptq-1b"));
    Files.writeString(
        d.resolve("config.json"),
        LLAMA_2_7B
            .replace("\"hidden_size\": 4096", "\"hidden_size\": 2048")
            .replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": 24")
            .replace("\"num_attention_heads\": 32", "\"num_attention_heads\": 16")
            .replace("\"num_key_value_heads\": 32", "\"num_key_value_heads\": 16")
            .replace("\"intermediate_size\": 11008", "\"intermediate_size\": 5504"));
    Report r = report(d);
    long limit = 2_147_483_648L;
    // about 1.0 GB stored at 4 bits, 2.7 GB at BF16, which is what inf1 holds
    assertThat(r.model().weights().bytes().getAsLong()).isLessThan(limit);
    assertThat(on(r, "inf1").weightBytes()).isGreaterThan(limit);

    assertThat(r.findings())
        .filteredOn(f -> f.rule().equals("weights-over-2gb"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.target()).contains("inf1");
              assertThat(f.observed())
                  .startsWith("weights ")
                  .contains("on inf1 (weights held at BF16: no current inf1 stack runs GPTQ")
                  .contains("the files hold estimated");
            });
  }

  @Test
  void anUnquantizedModelHasNoWidthDecision() throws IOException {
    Report r = report(TestFiles.examples().resolve("llama-2-7b"));
    assertThat(r.estimates().values())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.workload().width()).isEmpty());
  }

  /** A safetensors file of one zero-filled tensor. */
  private static void safetensors(Path file, String dtype, int rows, int cols) throws IOException {
    long size = (long) rows * cols;
    byte[] header =
        ("{\"w\":{\"dtype\":\""
                + dtype
                + "\",\"shape\":["
                + rows
                + ","
                + cols
                + "],\"data_offsets\":[0,"
                + size
                + "]}}")
            .getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + (int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Files.write(file, b.array());
  }
}
