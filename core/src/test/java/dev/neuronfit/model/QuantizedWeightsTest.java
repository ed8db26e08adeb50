package dev.neuronfit.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Tensor layouts as GPTQ, AWQ, bitsandbytes and MXFP4 checkpoints store one linear layer. */
class QuantizedWeightsTest {
  private static TensorInfo t(String name, DType dtype, long... shape) {
    long n = 1;
    List<Long> dims = new ArrayList<>();
    for (long d : shape) {
      n *= d;
      dims.add(d);
    }
    return new TensorInfo(name, dtype, dims, n, dtype.bytesFor(n), "model.safetensors");
  }

  private static Quantization q(String method, int bits, int group) {
    return new Quantization(
        method,
        OptionalInt.of(bits),
        OptionalInt.of(group),
        "",
        "config.json quantization_config",
        false);
  }

  @Test
  void gptqUnpacksQweightAndLeavesOutScalesZerosAndIndex() {
    // a 4096 x 11008 projection at 4 bits, group 128, as AutoGPTQ writes it
    List<TensorInfo> layer =
        List.of(
            t("model.layers.0.mlp.up_proj.qweight", DType.I32, 4096 / 8, 11008),
            t("model.layers.0.mlp.up_proj.qzeros", DType.I32, 4096 / 128, 11008 / 8),
            t("model.layers.0.mlp.up_proj.scales", DType.F16, 4096 / 128, 11008),
            t("model.layers.0.mlp.up_proj.g_idx", DType.I32, 4096),
            t("model.embed_tokens.weight", DType.F16, 32000, 4096));
    WeightSummary w = QuantizedWeights.summarize(layer, q("gptq", 4, 128), "safetensors header");

    assertThat(w.parameters()).hasValue(4096L * 11008 + 32000L * 4096);
    long stored = layer.stream().mapToLong(TensorInfo::bytes).sum();
    assertThat(w.bytes()).hasValue(stored);
    assertThat(w.estimated()).isFalse();
    assertThat(w.basis())
        .contains("GPTQ 4-bit, group 128")
        .contains("1 packed tensors unpacked")
        .contains("3 scale/zero-point/index tensors not counted");
  }

  @Test
  void threeBitGptqValuesSpanTheInt32s() {
    // 3-bit GPTQ packs 32 values into 3 int32s: in_features x 3 / 32 rows
    List<TensorInfo> layer =
        List.of(t("model.layers.0.mlp.up_proj.qweight", DType.I32, 4096 * 3 / 32, 11008));
    assertThat(QuantizedWeights.summarize(layer, q("gptq", 3, 128), "h").parameters())
        .hasValue(4096L * 11008);
  }

  @Test
  void awqPacksAlongTheOutputsAndUnpacksTheSame() {
    List<TensorInfo> layer =
        List.of(
            t("model.layers.0.self_attn.q_proj.qweight", DType.I32, 4096, 4096 / 8),
            t("model.layers.0.self_attn.q_proj.qzeros", DType.I32, 32, 4096 / 8),
            t("model.layers.0.self_attn.q_proj.scales", DType.F16, 32, 4096));
    assertThat(QuantizedWeights.summarize(layer, q("awq", 4, 128), "h").parameters())
        .hasValue(4096L * 4096);
  }

  @Test
  void bitsandbytesFourBitHoldsTwoValuesPerByte() {
    Quantization nf4 =
        new Quantization("bitsandbytes", OptionalInt.of(4), OptionalInt.empty(), "nf4", "c", false);
    List<TensorInfo> layer =
        List.of(
            t("model.layers.0.mlp.down_proj.weight", DType.U8, 4096L * 11008 / 2, 1),
            t("model.layers.0.mlp.down_proj.weight.absmax", DType.F32, 4096L * 11008 / 64),
            t("model.layers.0.mlp.down_proj.weight.quant_map", DType.F32, 16),
            t("model.layers.0.mlp.down_proj.weight.quant_state.bitsandbytes__nf4", DType.U8, 80),
            t("model.norm.weight", DType.F16, 4096));
    assertThat(QuantizedWeights.summarize(layer, nf4, "h").parameters())
        .hasValue(4096L * 11008 + 4096);
  }

  @Test
  void mxfp4BlocksHoldTwoValuesPerByteAndScalesAreNotParameters() {
    Quantization mx =
        new Quantization("mxfp4", OptionalInt.of(4), OptionalInt.of(32), "", "c", true);
    // gpt-oss-20b: 32 experts x (2 x 2880) rows x 90 blocks x 16 bytes of 32 values
    List<TensorInfo> layer =
        List.of(
            t("model.layers.0.mlp.experts.gate_up_proj_blocks", DType.U8, 32, 5760, 90, 16),
            t("model.layers.0.mlp.experts.gate_up_proj_scales", DType.U8, 32, 5760, 90),
            t("model.layers.0.self_attn.q_proj.weight", DType.BF16, 4096, 2880));
    assertThat(QuantizedWeights.summarize(layer, mx, "h").parameters())
        .hasValue(32L * 5760 * 2880 + 4096L * 2880);
  }

  @Test
  void fp8WeightsCountAsTheyAreAndTheirScalesDoNot() {
    Quantization fp8 =
        new Quantization("fp8", OptionalInt.of(8), OptionalInt.empty(), "e4m3", "c", false);
    List<TensorInfo> layer =
        List.of(
            t("model.layers.0.mlp.up_proj.weight", DType.F8_E4M3, 18432, 7168),
            t("model.layers.0.mlp.up_proj.weight_scale_inv", DType.F32, 144, 56));
    assertThat(QuantizedWeights.summarize(layer, fp8, "h").parameters()).hasValue(18432L * 7168);
  }
}
