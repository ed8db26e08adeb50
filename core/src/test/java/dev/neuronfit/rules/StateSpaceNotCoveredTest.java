package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateSpaceNotCoveredTest {
  private final Rule rule = new StateSpaceNotCovered();

  // the architecture keys of tiiuae/falcon-mamba-7b's config.json
  private static final String FALCON_MAMBA =
      """
      {"model_type": "falcon_mamba", "architectures": ["FalconMambaForCausalLM"],
       "hidden_size": 4096, "num_hidden_layers": 64, "state_size": 16, "expand": 16,
       "conv_kernel": 4, "vocab_size": 65024}
      """;

  // the architecture keys of ai21labs/Jamba-v0.1's config.json
  private static final String JAMBA =
      """
      {"model_type": "jamba", "architectures": ["JambaForCausalLM"], "hidden_size": 4096,
       "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
       "attn_layer_period": 8, "attn_layer_offset": 4, "expert_layer_period": 2,
       "expert_layer_offset": 1, "num_experts": 16, "num_experts_per_tok": 2,
       "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2, "vocab_size": 65536}
      """;

  @Test
  void firesOnAStateSpaceModelAndNamesTheClosestFamily() {
    List<Finding> findings =
        rule.check(model().family(Family.TRANSFORMER_DECODER).config(FALCON_MAMBA).context());

    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("state-space-not-covered");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).isEmpty();
    assertThat(f.message()).contains("closest family, transformer-decoder");
    assertThat(f.observed()).isEqualTo("Mamba mixers on all 64 layers, no attention (state_size)");
    assertThat(f.source()).endsWith("Model Support Overview");
  }

  @Test
  void firesOnAHybridAndCountsItsAttentionLayers() {
    Finding f =
        rule.check(model().family(Family.TRANSFORMER_DECODER).config(JAMBA).context()).get(0);

    assertThat(f.observed())
        .isEqualTo(
            "hybrid: attention on 4 of 32 layers, Mamba mixers on the others (attn_layer_period)");
  }

  @Test
  void doesNotFireOnAnAttentionModel() {
    String llama =
        """
        {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
         "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256}
        """;
    assertThat(rule.check(model().family(Family.TRANSFORMER_DECODER).config(llama).context()))
        .isEmpty();
    assertThat(rule.check(model().family(Family.TRANSFORMER_DECODER).context())).isEmpty();
  }
}
