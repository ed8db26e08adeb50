package dev.neuronfit.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.classify.Classification;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GgufNotNeuronTest {
  private final Rule rule = new GgufNotNeuron();

  private static RuleContext context(ModelFormat format, ObjectNode config) {
    List<TensorInfo> tensors =
        List.of(
            new TensorInfo(
                "blk.0.attn_q.weight",
                DType.GGML_QUANT,
                List.of(256L, 256L),
                65536,
                36864,
                "m.gguf"),
            new TensorInfo("output_norm.weight", DType.F32, List.of(256L), 256, 1024, "m.gguf"));
    ModelProfile p =
        new ModelProfile(
            "models/m.gguf",
            format,
            Framework.UNKNOWN,
            WeightSummary.fromTensors(tensors, "GGUF tensor infos of m.gguf"),
            tensors,
            Optional.of(
                new HfMetadata(
                    Optional.of(new HfConfig("m.gguf (GGUF metadata)", config)),
                    Optional.empty(),
                    List.of())),
            Optional.empty(),
            List.of(),
            List.of());
    Edition e = RuleFixtures.edition("2.11.0");
    return new RuleContext(
        p,
        new Classification(Family.TRANSFORMER_DECODER, 0.8, List.of(), List.of()),
        p.weights(),
        e,
        e.targets());
  }

  @Test
  void firesOnAGgufFileNamingTheSourceModel() {
    ObjectNode cfg = JsonNodeFactory.instance.objectNode();
    cfg.put("general.architecture", "llama");
    cfg.put("general.base_model.0.organization", "Meta Llama");
    cfg.put("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.2-1B");

    List<Finding> findings = rule.check(context(ModelFormat.GGUF, cfg));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("gguf-not-neuron");
              assertThat(f.message())
                  .contains("does not load GGUF")
                  .contains("https://huggingface.co/meta-llama/Llama-3.2-1B");
              assertThat(f.observed()).contains("llama").contains("1 of 2 tensors block-quantized");
            });
  }

  @Test
  void namesTheBaseModelByOrganisationAndNameWithoutAUrl() {
    ObjectNode cfg = JsonNodeFactory.instance.objectNode();
    cfg.put("general.base_model.0.organization", "Qwen");
    cfg.put("general.base_model.0.name", "Qwen2.5 0.5B Instruct");

    assertThat(rule.check(context(ModelFormat.GGUF, cfg)).get(0).advice())
        .contains("Qwen/Qwen2.5 0.5B Instruct");
  }

  @Test
  void doesNotFireOnOtherFormats() {
    ObjectNode cfg = JsonNodeFactory.instance.objectNode();
    cfg.put("model_type", "llama");

    assertThat(rule.check(context(ModelFormat.HF, cfg))).isEmpty();
  }
}
