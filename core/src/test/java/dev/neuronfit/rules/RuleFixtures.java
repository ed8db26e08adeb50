package dev.neuronfit.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.classify.ArchitectureTraits;
import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds {@link RuleContext}s for rule tests from inputs written in Java: a config as JSON text,
 * tensor names, weight figures, a family and a real edition from the knowledge base.
 */
final class RuleFixtures {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuleFixtures() {}

  /** A new context builder: PyTorch, edition 2.11.0, all of its targets, nothing else known. */
  static Builder model() {
    return new Builder();
  }

  static Edition edition(String id) {
    return KB.edition(id).orElseThrow(() -> new IllegalArgumentException("no edition " + id));
  }

  /** A {@code config.json} from JSON text. */
  static HfConfig config(String json) {
    try {
      return new HfConfig("config.json", JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Small F32 tensors with these names, as a safetensors header would declare them. */
  static List<TensorInfo> tensors(String... names) {
    return Arrays.stream(names)
        .map(n -> new TensorInfo(n, DType.F32, List.of(4L), 4, 16, "model.safetensors"))
        .toList();
  }

  /** Tensor names of a torchvision ResNet with these blocks per stage, under {@code prefix}. */
  static List<TensorInfo> resnet(String prefix, boolean bottleneck, int... blocksPerStage) {
    List<String> names = new ArrayList<>();
    names.add(prefix + "conv1.weight");
    for (int stage = 0; stage < blocksPerStage.length; stage++) {
      for (int block = 0; block < blocksPerStage[stage]; block++) {
        String b = prefix + "layer" + (stage + 1) + "." + block + ".";
        names.add(b + "conv1.weight");
        names.add(b + "conv2.weight");
        if (bottleneck) {
          names.add(b + "conv3.weight");
        }
      }
    }
    return tensors(names.toArray(String[]::new));
  }

  /** Weights summed from tensor headers. */
  static WeightSummary measured(long bytes) {
    return new WeightSummary(
        OptionalLong.of(bytes / 4),
        OptionalLong.of(bytes),
        Map.of(DType.F32, new WeightSummary.DTypeTally(bytes / 4, bytes)),
        false,
        "safetensors headers of 1 file");
  }

  /** Weights estimated from the config. */
  static WeightSummary estimated(long bytes) {
    return new WeightSummary(
        OptionalLong.of(bytes / 2),
        OptionalLong.of(bytes),
        Map.of(),
        true,
        "parameters estimated from the config (transformer formulas); bytes assume F16");
  }

  /** A mutable builder of one test context; each setter returns {@code this}. */
  static final class Builder {
    private Family family = Family.UNKNOWN;
    private List<Evidence> evidence = List.of();
    private Framework framework = Framework.PYTORCH;
    private Optional<HfConfig> config = Optional.empty();
    private List<TensorInfo> tensors = List.of();
    private WeightSummary weights = WeightSummary.unknown("no weight files");
    private String edition = "2.11.0";
    private Optional<List<String>> targets = Optional.empty();
    private Optional<ModelProfile> read = Optional.empty();
    private Optional<Graph> graph = Optional.empty();

    Builder family(Family f) {
      this.family = f;
      return this;
    }

    Builder evidence(Evidence... e) {
      this.evidence = List.of(e);
      return this;
    }

    Builder framework(Framework f) {
      this.framework = f;
      return this;
    }

    Builder config(String json) {
      this.config = Optional.of(RuleFixtures.config(json));
      return this;
    }

    Builder tensors(List<TensorInfo> t) {
      this.tensors = t;
      return this;
    }

    Builder tensors(String... names) {
      return tensors(RuleFixtures.tensors(names));
    }

    Builder weights(WeightSummary w) {
      this.weights = w;
      return this;
    }

    Builder edition(String id) {
      this.edition = id;
      return this;
    }

    /**
     * The profile of an ONNX fixture as the reader gives it; config, tensors and weights are
     * ignored.
     */
    Builder onnx(String fixture) {
      try {
        this.read =
            Optional.of(new OnnxReader().read(TestFiles.onnxFixture(fixture), ReadLimits.DEFAULT));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** An ONNX model with this graph (built in Java) and nothing else. */
    Builder graph(Graph g) {
      this.graph = Optional.of(g);
      return this;
    }

    /** Only these targets are selected (the edition's targets, filtered). */
    Builder targets(String... ids) {
      this.targets = Optional.of(List.of(ids));
      return this;
    }

    RuleContext context() {
      Edition e = RuleFixtures.edition(edition);
      List<Target> selected =
          e.targets().stream()
              .filter(t -> targets.map(ids -> ids.contains(t.id())).orElse(true))
              .toList();
      ModelProfile profile =
          read.orElseGet(
              () ->
                  graph.isPresent()
                      ? new ModelProfile(
                          "models/test.onnx",
                          ModelFormat.ONNX,
                          framework,
                          weights,
                          tensors,
                          Optional.empty(),
                          graph,
                          List.of(),
                          List.of())
                      : new ModelProfile(
                          "models/test",
                          ModelFormat.HF,
                          framework,
                          weights,
                          tensors,
                          Optional.of(new HfMetadata(config, Optional.empty(), List.of())),
                          Optional.empty(),
                          List.of(),
                          List.of()));
      Classification c =
          new Classification(
              family,
              family == Family.UNKNOWN ? 0.0 : 0.9,
              evidence,
              List.of(),
              ArchitectureTraits.of(profile));
      return new RuleContext(
          profile,
          c,
          profile.weights(),
          e,
          selected,
          OperatorCoverage.of(
              profile, KB.operatorLists(), selected.stream().map(Target::id).toList()));
    }
  }
}
