package dev.neuronfit.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The quantization_config objects here follow the published configs of the named Hub repositories
 * (only the keys that matter are kept).
 */
class QuantizationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Optional<Quantization> inConfig(String quantizationConfig) throws IOException {
    HfConfig c =
        new HfConfig(
            "config.json",
            JSON.readTree(
                "{\"model_type\": \"llama\", \"quantization_config\": "
                    + quantizationConfig
                    + "}"));
    return new HfMetadata(Optional.of(c), Optional.empty(), List.of()).quantization();
  }

  @Test
  void gptqInTheConfig() throws IOException {
    // e.g. TheBloke/Llama-2-7B-GPTQ
    Quantization q =
        inConfig(
                "{\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 128, \"desc_act\": false}")
            .orElseThrow();

    assertThat(q.method()).isEqualTo("gptq");
    assertThat(q.bits()).hasValue(4);
    assertThat(q.groupSize()).hasValue(128);
    assertThat(q.label()).isEqualTo("GPTQ 4-bit, group 128");
    assertThat(q.source()).isEqualTo("config.json quantization_config");
  }

  @Test
  void perChannelGptqHasNoGroup() throws IOException {
    assertThat(
            inConfig("{\"quant_method\": \"gptq\", \"bits\": 8, \"group_size\": -1}")
                .orElseThrow()
                .groupSize())
        .isEmpty();
  }

  @Test
  void awqBitsandbytesFp8CompressedTensorsAndMxfp4() throws IOException {
    // AutoAWQ (TheBloke/*-AWQ): bits and group_size
    assertThat(
            inConfig(
                    "{\"quant_method\": \"awq\", \"bits\": 4, \"group_size\": 128, \"version\": \"gemm\"}")
                .orElseThrow()
                .label())
        .isEqualTo("AWQ 4-bit, group 128");
    // transformers' BitsAndBytesConfig as saved with a 4-bit checkpoint
    assertThat(
            inConfig(
                    "{\"quant_method\": \"bitsandbytes\", \"load_in_4bit\": true,"
                        + " \"bnb_4bit_quant_type\": \"nf4\"}")
                .orElseThrow()
                .label())
        .isEqualTo("BITSANDBYTES 4-bit nf4");
    // deepseek-ai/DeepSeek-V3
    assertThat(
            inConfig(
                    "{\"quant_method\": \"fp8\", \"fmt\": \"e4m3\", \"activation_scheme\": \"dynamic\","
                        + " \"weight_block_size\": [128, 128]}")
                .orElseThrow()
                .label())
        .isEqualTo("FP8 8-bit e4m3 block 128x128");
    // a compressed-tensors W4A16 checkpoint (llm-compressor)
    Quantization ct =
        inConfig(
                "{\"quant_method\": \"compressed-tensors\", \"format\": \"pack-quantized\","
                    + " \"config_groups\": {\"group_0\": {\"targets\": [\"Linear\"],"
                    + " \"weights\": {\"num_bits\": 4, \"group_size\": 128, \"type\": \"int\"}}}}")
            .orElseThrow();
    assertThat(ct.bits()).hasValue(4);
    assertThat(ct.groupSize()).hasValue(128);
    assertThat(ct.scheme()).isEqualTo("pack-quantized");
    // openai/gpt-oss-20b
    Quantization mx =
        inConfig(
                "{\"quant_method\": \"mxfp4\", \"modules_to_not_convert\":"
                    + " [\"model.layers.*.self_attn\", \"model.layers.*.mlp.router\","
                    + " \"model.embed_tokens\", \"lm_head\"]}")
            .orElseThrow();
    assertThat(mx.label()).isEqualTo("MXFP4 4-bit, group 32, experts only");
  }

  @Test
  void autoGptqQuantizeConfigBesideTheConfig() throws IOException {
    HfConfig config =
        new HfConfig("config.json", JSON.readTree("{\"model_type\": \"gpt_bigcode\"}"));
    HfConfig separate =
        new HfConfig(
            "quantize_config.json",
            JSON.readTree("{\"bits\": 4, \"group_size\": 128, \"desc_act\": true, \"sym\": true}"));
    Quantization q =
        new HfMetadata(Optional.of(config), Optional.empty(), List.of(), Optional.of(separate))
            .quantization()
            .orElseThrow();

    assertThat(q.label()).isEqualTo("GPTQ 4-bit, group 128");
    assertThat(q.source()).isEqualTo("quantize_config.json");
  }

  @Test
  void noQuantizationWithoutMethodOrBits() throws IOException {
    assertThat(inConfig("{}")).isEmpty();
    assertThat(inConfig("{\"bits\": 400}").orElseThrow().bits()).isEmpty();
    HfConfig plain = new HfConfig("config.json", JSON.readTree("{\"model_type\": \"llama\"}"));
    assertThat(new HfMetadata(Optional.of(plain), Optional.empty(), List.of()).quantization())
        .isEmpty();
  }
}
