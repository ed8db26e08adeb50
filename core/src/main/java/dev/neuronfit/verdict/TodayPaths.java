package dev.neuronfit.verdict;

import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.SupportNow;
import dev.neuronfit.kb.SupportStatus;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds today's path per target: the stacks of the support-now layer that list the model's Hugging
 * Face architecture class (or model type), best status first; failing that, the stack that takes
 * any model of its framework on the target (onboarding); and the quantization verdict for the
 * checkpoint.
 */
public final class TodayPaths {
  private TodayPaths() {}

  /**
   * One path per target the selection includes, in the support-now layer's order.
   *
   * @param ratedTargets the targets the report's edition rates
   * @param verdicts the edition's verdicts, whose supported packages count as listings
   */
  public static Today build(
      SupportNow now,
      Hardware hardware,
      ModelProfile profile,
      Selection selection,
      Set<String> ratedTargets,
      List<TargetVerdict> verdicts) {
    Optional<HfConfig> config = profile.hf().flatMap(h -> h.config());
    List<String> classes = config.map(c -> c.strings("architectures")).orElse(List.of());
    Optional<String> type = config.flatMap(c -> c.string("model_type"));
    String framework = profile.framework() == Framework.UNKNOWN ? "" : profile.framework().id();
    Optional<Quant> quant = quantization(profile, config);
    List<TodayPath> out = new ArrayList<>();
    for (SupportNow.TargetLifecycle t : now.targets()) {
      if (!selection.includesTarget(t.target())) {
        continue;
      }
      String target = t.target();
      List<TodayPath.Path> listed = new ArrayList<>();
      List<TodayPath.Path> ended = new ArrayList<>();
      for (SupportNow.Stack s : now.stacks()) {
        Optional<SupportNow.StatusChange> st = s.statusOn(target);
        if (st.isEmpty()) {
          continue;
        }
        Optional<SupportNow.Listing> l = s.listing(classes, type, target);
        Optional<TodayPath.Path> path =
            l.map(
                x ->
                    new TodayPath.Path(
                        s.id(),
                        s.name(),
                        st.get(),
                        (x.className().isEmpty() ? "model type " + x.modelType() : x.className())
                            + " has a "
                            + s.name()
                            + " "
                            + x.kind()
                            + " ("
                            + x.evidence()
                            + ")"
                            + (x.note().isEmpty() ? "" : "; " + x.note()),
                        false,
                        x.source()));
        if (path.isEmpty() && recommendedByEdition(s, target, profile.framework(), verdicts)) {
          path =
              Optional.of(
                  new TodayPath.Path(
                      s.id(),
                      s.name(),
                      st.get(),
                      "the guideline edition lists " + s.pkg() + " as supported for this family",
                      false,
                      st.get().source()));
        }
        if (path.isEmpty()) {
          continue;
        }
        if (st.get().status().usable()) {
          listed.add(path.get());
        } else {
          ended.add(path.get());
        }
      }
      listed.sort(Comparator.comparing(TodayPath.Path::statusValue));
      Optional<TodayPath.Path> best = listed.stream().findFirst();
      if (best.isEmpty() && !framework.isEmpty()) {
        String name = classes.isEmpty() ? type.orElse("this model") : classes.get(0);
        best =
            now.onboarding(target, framework).stream()
                .filter(s -> s.statusOn(target).get().status().usable())
                .findFirst()
                .map(
                    s -> {
                      SupportNow.StatusChange st = s.statusOn(target).get();
                      return new TodayPath.Path(
                          s.id(),
                          s.name(),
                          st,
                          "no stack lists "
                              + name
                              + ": onboarding through "
                              + s.name()
                              + ", "
                              + st.status().label()
                              + ". "
                              + s.onboarding(),
                          true,
                          st.source());
                    });
      }
      Optional<String> bestStack = best.map(TodayPath.Path::stack);
      Optional<String> q = quant.map(x -> quantVerdict(now, x, classes, target, bestStack));
      out.add(
          new TodayPath(
              target,
              t.neuronCore(),
              ratedTargets.contains(target),
              best,
              ended,
              q,
              t.frozen() ? Optional.of(t) : Optional.empty(),
              hardware.target(target).flatMap(h -> lnc(h.chip()))));
    }
    return new Today(now.snapshot(), out);
  }

  private static boolean recommendedByEdition(
      SupportNow.Stack s, String target, Framework framework, List<TargetVerdict> verdicts) {
    return verdicts.stream()
        .filter(v -> v.target().id().equals(target))
        .flatMap(v -> v.support().stream())
        .anyMatch(
            e ->
                s.editionPackages().contains(e.column().pkg().id())
                    && e.column().pkg().framework() == framework
                    && (e.status() == SupportStatus.SUPPORTED
                        || e.status() == SupportStatus.SUPPORTED_WITH_LIMITATIONS));
  }

  private static Optional<String> lnc(Hardware.Chip chip) {
    return chip.defaultLncConfig()
        .map(
            l ->
                "LNC "
                    + l.lnc()
                    + " (default): "
                    + l.coresPerChip()
                    + " logical NeuronCores per chip, "
                    + dev.neuronfit.model.Quantities.bytes(l.memoryPerCoreBytes())
                    + " of device memory each");
  }

  /** The checkpoint's quantization: a method id, its label and where it was read. */
  record Quant(String method, String label, String where) {}

  static Optional<Quant> quantization(ModelProfile profile, Optional<HfConfig> config) {
    Optional<HfConfig> qc = config.flatMap(c -> c.child("quantization_config"));
    if (qc.isPresent()) {
      Optional<String> m = qc.get().string("quant_method");
      if (m.isPresent()) {
        String id = m.get().toLowerCase(Locale.ROOT);
        return Optional.of(
            new Quant(
                id, id.toUpperCase(Locale.ROOT), "quantization_config.quant_method = " + m.get()));
      }
    }
    // a quantization_config without quant_method (bitsandbytes flags), or AutoGPTQ's and AutoAWQ's
    // separate quantize_config.json / quant_config.json
    Optional<Quantization> separate = profile.hf().flatMap(HfMetadata::quantization);
    if (separate.isPresent()) {
      String id = separate.get().method();
      return Optional.of(new Quant(id, id.toUpperCase(Locale.ROOT), separate.get().source()));
    }
    if (profile.weights().dtypes().containsKey(DType.F8_E4M3)
        || profile.weights().dtypes().containsKey(DType.F8_E5M2)) {
      return Optional.of(new Quant("fp8", "FP8", "FP8 weights in the checkpoint"));
    }
    return Optional.empty();
  }

  private static String quantVerdict(
      SupportNow now, Quant q, List<String> classes, String target, Optional<String> bestStack) {
    String head = q.label() + " (" + q.where() + ")";
    Optional<SupportNow.QuantizationRun> run = now.runs(q.method(), classes, target);
    if (run.isPresent()) {
      return head
          + ": runs on "
          + target
          + " with "
          + run.get().stack().name()
          + " ("
          + run.get().entry().label()
          + "; "
          + run.get().entry().source().url()
          + ")";
    }
    List<String> elsewhere = new ArrayList<>();
    for (SupportNow.Stack s : now.stacks()) {
      for (SupportNow.Quantization x : s.quantization()) {
        if (!x.method().equals(q.method()) || !x.forModel(classes)) {
          continue;
        }
        elsewhere.add(
            q.label()
                + " runs on "
                + String.join(", ", x.targets())
                + " only ("
                + s.name()
                + ")"
                + (x.note().isEmpty() ? "" : "; " + x.note()));
      }
    }
    if (!elsewhere.isEmpty()) {
      return head + ": " + String.join("; ", elsewhere.stream().distinct().toList());
    }
    return head
        + ": no Neuron stack documents this quantization"
        + bestStack.map(s -> " (best path here: " + s + ")").orElse("")
        + "; start from a BF16 checkpoint";
  }
}
