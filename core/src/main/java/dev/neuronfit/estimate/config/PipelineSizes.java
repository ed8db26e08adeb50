package dev.neuronfit.estimate.config;

import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.Estimate;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.WeightSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Sizes every weight-bearing component of a diffusers pipeline from the best source it has (its own
 * safetensors headers, else its config's layout, else the bytes its files declare) and sums them.
 * Tokenizers, schedulers and image processors hold no weights and are not listed; a component that
 * should hold weights but has neither weights nor a layout is listed as unknown with the reason.
 */
public final class PipelineSizes {
  /** Class-name endings of the pipeline parts that hold no weights. */
  private static final List<String> WEIGHTLESS =
      List.of("Tokenizer", "TokenizerFast", "Scheduler", "FeatureExtractor", "Processor");

  private PipelineSizes() {}

  /** The components of a pipeline with their sizes, in {@code model_index.json} order. */
  public static List<ComponentSize> of(HfMetadata hf) {
    List<ComponentSize> out = new ArrayList<>();
    for (HfComponent comp : hf.components()) {
      if (WEIGHTLESS.stream().anyMatch(comp.className()::endsWith)) {
        continue;
      }
      out.add(size(comp));
    }
    return List.copyOf(out);
  }

  private static ComponentSize size(HfComponent comp) {
    WeightSummary w = comp.weights();
    if (w.parameters().isPresent()) {
      return new ComponentSize(
          comp.name(),
          comp.className(),
          w.parameters(),
          w.bytes(),
          Optional.empty(),
          SizeSource.WEIGHT_FILES,
          w.basis());
    }
    Optional<String> unknown = Optional.empty();
    if (comp.config().isEmpty()) {
      unknown = Optional.of("no " + comp.name() + "/config.json");
    } else {
      HfConfig c = comp.config().get();
      Optional<String> problem = ConfigNumbers.problem(c);
      if (problem.isPresent()) {
        unknown = problem;
      } else {
        try {
          OptionalLong p = ParameterEstimator.single(c);
          if (p.isPresent()) {
            ParameterEstimator.DTypeChoice dt = ParameterEstimator.dtype(c);
            Math.multiplyExact(p.getAsLong(), 8L); // the widest element type still fits a long
            OptionalLong bytes =
                w.bytes().isPresent()
                    ? w.bytes()
                    : OptionalLong.of(dt.dtype().bytesFor(p.getAsLong()));
            return new ComponentSize(
                comp.name(),
                comp.className(),
                p,
                bytes,
                w.bytes().isPresent() ? Optional.empty() : Optional.of(dt.dtype()),
                SizeSource.CONFIG_LAYOUT,
                ParameterEstimator.method(c)
                    + ParameterEstimator.quantization(c)
                    + (w.bytes().isPresent()
                        ? "; bytes from " + w.basis()
                        : "; " + dt.dtype() + " from " + dt.source()));
          }
          unknown = Optional.of("no layout for " + comp.className());
        } catch (ArithmeticException e) {
          unknown = Optional.of("the sizes in " + c.file() + " multiply beyond 2^63-1");
        }
      }
    }
    if (w.bytes().isPresent()) {
      return new ComponentSize(
          comp.name(),
          comp.className(),
          OptionalLong.empty(),
          w.bytes(),
          Optional.empty(),
          SizeSource.DECLARED_BYTES,
          w.basis() + "; parameters unknown: " + unknown.get());
    }
    return new ComponentSize(
        comp.name(),
        comp.className(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        SizeSource.UNKNOWN,
        unknown.get());
  }

  /**
   * The config estimate of a pipeline: the sum of its components' sizes, when at least one of them
   * comes from a layout (a pipeline whose every component has weight files is sized by them, not
   * estimated); empty otherwise.
   */
  static Optional<Estimate> estimate(HfMetadata hf) {
    List<ComponentSize> sizes = of(hf);
    if (sizes.stream().noneMatch(s -> s.source() == SizeSource.CONFIG_LAYOUT)) {
      return Optional.empty();
    }
    long total = 0;
    List<String> parts = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    DType dtype = null;
    for (ComponentSize s : sizes) {
      if (s.parameters().isPresent()) {
        total = Math.addExact(total, s.parameters().getAsLong());
        parts.add(s.name());
        if (dtype == null && s.dtype().isPresent()) {
          dtype = s.dtype().get();
        }
      } else {
        skipped.add(s.name());
      }
    }
    return Optional.of(
        new Estimate(
            total,
            dtype == null ? DType.F32 : dtype,
            "the components' configs",
            "sum of the components' sizes",
            parts,
            skipped));
  }

  /**
   * The figures a pipeline's report shows: the files' own when every component was sized by its
   * weight files, else the sum of the components' sizes with their element types; {@code read}
   * unchanged when there are no components.
   */
  public static WeightSummary total(List<ComponentSize> sizes, WeightSummary read) {
    if (sizes.isEmpty() || sizes.stream().allMatch(s -> s.source() == SizeSource.WEIGHT_FILES)) {
      return read;
    }
    long params = 0;
    long bytes = 0;
    boolean anyParams = false;
    boolean anyBytes = false;
    Map<DType, WeightSummary.DTypeTally> dtypes = new TreeMap<>();
    boolean tallied = true;
    for (ComponentSize s : sizes) {
      if (s.parameters().isPresent()) {
        params = Math.addExact(params, s.parameters().getAsLong());
        anyParams = true;
      }
      if (s.bytes().isPresent()) {
        bytes = Math.addExact(bytes, s.bytes().getAsLong());
        anyBytes = true;
      }
      if (s.dtype().isPresent() && s.parameters().isPresent() && s.bytes().isPresent()) {
        dtypes.merge(
            s.dtype().get(),
            new WeightSummary.DTypeTally(s.parameters().getAsLong(), s.bytes().getAsLong()),
            (a, b) ->
                new WeightSummary.DTypeTally(a.elements() + b.elements(), a.bytes() + b.bytes()));
      } else if (s.source() == SizeSource.WEIGHT_FILES) {
        tallied = false; // the files' tallies are per tensor type, not kept per component here
      } else if (!s.unknown()) {
        tallied = false;
      }
    }
    String sized =
        sizes.stream()
            .filter(s -> !s.unknown())
            .map(s -> s.name() + " (" + s.source().id() + ")")
            .collect(Collectors.joining(", "));
    List<String> unknown =
        sizes.stream().filter(ComponentSize::unknown).map(s -> s.name()).toList();
    String basis =
        "sum of the components' sizes: "
            + (sized.isEmpty() ? "none" : sized)
            + (unknown.isEmpty() ? "" : "; not sized: " + String.join(", ", unknown));
    return new WeightSummary(
        anyParams ? OptionalLong.of(params) : OptionalLong.empty(),
        anyBytes ? OptionalLong.of(bytes) : OptionalLong.empty(),
        tallied ? dtypes : Map.of(),
        true,
        basis);
  }
}
