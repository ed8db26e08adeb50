package dev.neuronfit;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.Estimate;
import dev.neuronfit.estimate.Roofline;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.TargetWorkloads;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.Workloads;
import dev.neuronfit.estimate.config.ConfigNumbers;
import dev.neuronfit.estimate.config.ConfigWorkload;
import dev.neuronfit.estimate.config.ParameterEstimator;
import dev.neuronfit.estimate.config.PipelineSizes;
import dev.neuronfit.io.GitLfsPointer;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.plan.PlanInput;
import dev.neuronfit.plan.PlanOutcome;
import dev.neuronfit.plan.Planner;
import dev.neuronfit.report.GraphSummary;
import dev.neuronfit.report.ModelSummary;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.RuleContext;
import dev.neuronfit.rules.RuleRegistry;
import dev.neuronfit.verdict.Selection;
import dev.neuronfit.verdict.TargetVerdict;
import dev.neuronfit.verdict.Today;
import dev.neuronfit.verdict.TodayPaths;
import dev.neuronfit.verdict.Verdicts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The one entry point of the library: finds the models under a path and turns each into a {@link
 * Report}. Data flows one way: files to profile, profile to classification and operator coverage,
 * those to estimates, verdicts and findings, and all of them to the report.
 *
 * <p>Thread-safe once built; reuse one instance for many models.
 */
public final class Inspector {
  private final KnowledgeBase kb;
  private final Classifier classifier;
  private final ReadLimits limits;

  public Inspector(KnowledgeBase kb, ReadLimits limits) {
    this.kb = Objects.requireNonNull(kb, "kb");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.classifier = new Classifier(kb::catalogue);
  }

  public KnowledgeBase knowledgeBase() {
    return kb;
  }

  /**
   * The models at or under a path.
   *
   * @throws dev.neuronfit.io.ModelFormatException when the path is missing, unreadable or holds no
   *     model
   */
  public List<ModelLocator.Located> locate(Path path) throws IOException {
    return new ModelLocator(limits).locate(path);
  }

  /**
   * Reads one located model and builds its report.
   *
   * @throws dev.neuronfit.io.ModelFormatException when the model's files are malformed
   */
  public Report inspect(ModelLocator.Located model, Edition edition, Selection selection)
      throws IOException {
    return inspect(model, edition, selection, WorkloadOptions.DEFAULT, kb.hardware());
  }

  /**
   * Reads one located model and builds its report, with workload estimates for the given input and
   * hardware.
   */
  public Report inspect(
      ModelLocator.Located model,
      Edition edition,
      Selection selection,
      WorkloadOptions workloadOptions,
      Hardware hardware)
      throws IOException {
    return report(read(model), edition, selection, workloadOptions, hardware);
  }

  /**
   * Reads one located model and builds its plan for a target from the same analysis as its report.
   *
   * @throws dev.neuronfit.io.ModelFormatException when the model's files are malformed
   */
  public PlanOutcome plan(
      ModelLocator.Located model,
      Edition edition,
      Selection selection,
      WorkloadOptions workloadOptions,
      Hardware hardware,
      String target)
      throws IOException {
    return Planner.plan(
        analyse(read(model), edition, selection, workloadOptions, hardware).planInput(), target);
  }

  private ModelProfile read(ModelLocator.Located model) throws IOException {
    try {
      return model.reader().read(model.path(), limits);
    } catch (ModelFormatException e) {
      // whichever reader met it, a Git LFS pointer in place of a file is named as what it is
      Optional<GitLfsPointer> pointer = GitLfsPointer.read(e.file(), model.path());
      if (pointer.isPresent()) {
        throw pointer.get().error(e.file());
      }
      throw e;
    } catch (OutOfMemoryError e) {
      // every reader counts what it builds against ReadLimits; a file that still fills the heap
      // (several hostile files read at once in a scan, or a heap set small) is that file's error,
      // and what the reader built is garbage once it has thrown
      throw new ModelFormatException(
          model.path(),
          "",
          "reading it needs more memory than the "
              + Runtime.getRuntime().maxMemory() / (1024 * 1024)
              + " MB heap allows (NEURONFIT_JAVA_OPTS=-Xmx2g raises it)");
    }
  }

  /** Builds the report of a profile that was already read, with default workload options. */
  public Report report(ModelProfile profile, Edition edition, Selection selection) {
    return report(profile, edition, selection, WorkloadOptions.DEFAULT, kb.hardware());
  }

  /** Builds the report of a profile that was already read. */
  public Report report(
      ModelProfile profile,
      Edition edition,
      Selection selection,
      WorkloadOptions workloadOptions,
      Hardware hardware) {
    return analyse(profile, edition, selection, workloadOptions, hardware).report();
  }

  /** The report and what a plan is built from: one analysis for both. */
  private record Analysis(Report report, PlanInput planInput) {}

  private Analysis analyse(
      ModelProfile profile,
      Edition edition,
      Selection selection,
      WorkloadOptions workloadOptions,
      Hardware hardware) {
    Classification c = classifier.classify(profile);
    WeightSummary read = profile.weights();
    boolean pipeline = profile.hf().flatMap(HfMetadata::pipelineClass).isPresent();
    Optional<Estimate> estimate =
        pipeline
            // a pipeline's components are each sized from their best source, then summed
            ? ParameterEstimator.estimate(profile)
            : read.parameters().isPresent()
                ? Optional.empty()
                // only an index's total_size is the bytes of the tensors alone (file sizes are not)
                : read.bytes().isPresent() && read.basis().startsWith("metadata.total_size")
                    ? ParameterEstimator.fromDeclaredBytes(profile, read.bytes().getAsLong())
                        .or(() -> ParameterEstimator.estimate(profile))
                    : ParameterEstimator.estimate(profile);
    List<ComponentSize> components =
        profile
            .hf()
            .filter(h -> h.pipelineClass().isPresent())
            .map(PipelineSizes::of)
            .orElse(List.of());
    WeightSummary weights =
        components.isEmpty()
            ? effectiveWeights(profile.weights(), estimate)
            : pipelineWeights(components, read);
    List<Target> targets =
        edition.targets().stream().filter(t -> selection.includesTarget(t.id())).toList();
    // the operator lists are loaded only for models that have a graph
    Optional<OperatorSummary> operators =
        profile.graph().isPresent()
            ? OperatorCoverage.of(
                profile, kb.operatorLists(), targets.stream().map(Target::id).toList())
            : Optional.empty();
    List<TargetVerdict> verdicts =
        Verdicts.build(edition, c.family(), profile.framework(), selection);
    Today today =
        TodayPaths.build(
            kb.supportNow(),
            hardware,
            profile,
            selection,
            edition.targets().stream().map(Target::id).collect(Collectors.toSet()),
            verdicts);
    Optional<Workload> estimated =
        Workloads.estimate(profile, weights.parameters(), weights.bytes(), workloadOptions, true);
    List<String> estimatedTargets = estimatedTargets(estimated, targets, hardware, selection);
    Optional<TargetWorkloads> placed =
        estimated.map(
            w ->
                TargetWorkloads.of(
                    w,
                    () ->
                        Workloads.estimate(
                            profile, weights.parameters(), weights.bytes(), workloadOptions, false),
                    kb.supportNow(),
                    profile
                        .hf()
                        .flatMap(HfMetadata::config)
                        .map(config -> config.strings("architectures"))
                        .orElse(List.of()),
                    estimatedTargets,
                    workloadOptions));
    estimated = placed.map(TargetWorkloads::report);
    Map<String, TargetEstimate> estimates = new LinkedHashMap<>();
    placed
        .map(TargetWorkloads::byTarget)
        .orElse(Map.of())
        .forEach(
            (id, w) -> estimates.put(id, placed(w, hardware.target(id).get(), workloadOptions)));
    Optional<Workload> workload =
        estimated.map(w -> withOnChipMemory(w, estimates.keySet(), hardware));
    List<String> notes = new ArrayList<>(profile.notes());
    estimateSkipped(profile, estimate, weights, workload, workloadOptions).ifPresent(notes::add);
    RuleContext ctx =
        new RuleContext(
            profile,
            c,
            weights,
            edition,
            targets,
            operators,
            workload,
            estimates,
            Optional.of(today));
    ModelSummary summary =
        new ModelSummary(
            profile.path(),
            profile.format(),
            profile.framework(),
            weights,
            estimate,
            profile.tensors().size(),
            profile.graph().map(GraphSummary::of),
            profile.hazards(),
            notes,
            components,
            profile.hf().flatMap(HfMetadata::quantization));
    List<dev.neuronfit.rules.Finding> findings = RuleRegistry.run(ctx);
    PlanInput planInput =
        new PlanInput(
            profile,
            c.family(),
            weights,
            workload,
            estimates,
            today,
            findings,
            hardware,
            kb.planFlags());
    Report report =
        new Report(
            version(),
            edition,
            summary,
            c,
            verdicts,
            findings,
            operators,
            workload,
            estimates,
            Optional.of(today),
            Planner.topLine(
                planInput,
                today.paths().stream().map(dev.neuronfit.verdict.TodayPath::target).toList()));
    return new Analysis(report, planInput);
  }

  /** Why the config estimates were skipped for a model whose config has numbers out of bounds. */
  private static Optional<String> estimateSkipped(
      ModelProfile profile,
      Optional<Estimate> estimate,
      WeightSummary weights,
      Optional<Workload> workload,
      WorkloadOptions opts) {
    if (profile.hf().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> problem = ConfigNumbers.problem(profile);
    if (problem.isPresent()) {
      return problem;
    }
    if (estimate.isEmpty() && profile.weights().parameters().isEmpty()) {
      Optional<String> p = ParameterEstimator.skipped(profile);
      if (p.isPresent()) {
        return p;
      }
    }
    if (workload.isEmpty() && weights.parameters().isPresent()) {
      return ConfigWorkload.skipped(profile, weights.parameters().getAsLong(), opts);
    }
    return Optional.empty();
  }

  /**
   * The targets that get roofline bounds and sizing: the report's targets that the hardware
   * describes, then hardware targets the edition does not rate (such as a user's Trainium2
   * figures); none without a workload.
   */
  private static List<String> estimatedTargets(
      Optional<Workload> workload, List<Target> targets, Hardware hardware, Selection selection) {
    List<String> out = new ArrayList<>();
    if (workload.isEmpty()) {
      return out;
    }
    for (Target t : targets) {
      if (hardware.target(t.id()).isPresent()) {
        out.add(t.id());
      }
    }
    for (String id : hardware.targetIds()) {
      if (!out.contains(id)
          && selection.includesTarget(id)
          && targets.stream().noneMatch(t -> t.id().equals(id))) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * The likely-activations assumption restated with the on-chip memory per NeuronCore of each
   * estimated target (hardware data, with its source there): activations beyond it are what would
   * move through device memory.
   */
  private static Workload withOnChipMemory(
      Workload w, java.util.Set<String> targets, Hardware hardware) {
    if (w.activationBytes() <= 0 || targets.isEmpty()) {
      return w;
    }
    List<String> onChip = new ArrayList<>();
    for (String id : targets) {
      Hardware.Chip chip = hardware.target(id).get().chip();
      Map<String, Double> mib = chip.onChipMemoryPerCoreMiB();
      String sizes =
          mib.isEmpty()
              ? "no published size"
              : new java.util.TreeMap<>(mib)
                      .descendingMap().entrySet().stream()
                          .map(e -> e.getKey() + " " + mib(e.getValue()))
                          .collect(Collectors.joining(" + "))
                  + (chip.physicalCoresPerChip() > chip.coresPerChip()
                      ? " per physical core, "
                          + Quantities.bytes(chip.onChipBytesPerCore())
                          + " per logical core"
                      : "");
      onChip.add(id + " " + sizes);
    }
    return w.withAssumption(
        Assumptions.activationsLikely(w.activationBytes()),
        Assumptions.activationsLikely(w.activationBytes(), onChip));
  }

  private static String mib(double v) {
    return (v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)) + " MiB";
  }

  /**
   * The bounds on the requested placement where it concerns this target (its instance, or a
   * tensor-parallel degree the target documents), else on the default placements.
   */
  private static TargetEstimate placed(
      Workload w, Hardware.TargetHardware h, WorkloadOptions opts) {
    boolean ownsInstance =
        opts.instance().isPresent()
            && h.instances().stream()
                .anyMatch(i -> i.name().equalsIgnoreCase(opts.instance().get()));
    if (ownsInstance) {
      return Roofline.of(w, h, opts.efficiency(), opts.instance(), opts.tensorParallel());
    }
    if (opts.instance().isEmpty()
        && opts.tensorParallel().isPresent()
        && h.tensorParallelDegrees().contains(opts.tensorParallel().getAsInt())) {
      return Roofline.of(w, h, opts.efficiency(), Optional.empty(), opts.tensorParallel());
    }
    return Roofline.of(w, h, opts.efficiency());
  }

  /** A pipeline's figures: the sum of its components' sizes, or the files' when they overflow. */
  private static WeightSummary pipelineWeights(List<ComponentSize> components, WeightSummary read) {
    try {
      return PipelineSizes.total(components, read);
    } catch (ArithmeticException e) {
      return read;
    }
  }

  /**
   * The weight figures a report shows: the files' own when they give a parameter count; otherwise
   * the config estimate, keeping a byte total the files declare (such as an index's total_size).
   */
  static WeightSummary effectiveWeights(WeightSummary read, Optional<Estimate> estimate) {
    if (read.parameters().isPresent() || estimate.isEmpty()) {
      return read;
    }
    Estimate e = estimate.get();
    boolean declaredBytes = read.bytes().isPresent();
    long bytes = declaredBytes ? read.bytes().getAsLong() : e.bytes();
    String basis =
        e.method().startsWith(SizeSource.TOTAL_SIZE_METHOD)
            ? "parameters from the "
                + e.method()
                + " ("
                + e.dtype()
                + " from "
                + e.dtypeSource()
                + "); bytes from "
                + read.basis()
            : "parameters estimated from the config ("
                + e.method()
                + (e.parts().isEmpty() ? "" : "; components " + String.join(", ", e.parts()))
                + (e.skipped().isEmpty()
                    ? ""
                    : "; not estimated: " + String.join(", ", e.skipped()))
                + ")"
                + (declaredBytes
                    ? "; bytes from " + read.basis()
                    : e.quantization().isPresent()
                        ? "; bytes at the stored widths of "
                            + e.quantization().get().label()
                            + " with their scales, the unquantized weights at "
                            + e.dtype()
                            + " from "
                            + e.dtypeSource()
                        : "; bytes assume " + e.dtype() + " from " + e.dtypeSource());
    Map<DType, WeightSummary.DTypeTally> dtypes =
        declaredBytes || e.quantization().isPresent()
            ? Map.of()
            : Map.of(e.dtype(), new WeightSummary.DTypeTally(e.parameters(), bytes));
    return new WeightSummary(
        OptionalLong.of(e.parameters()), OptionalLong.of(bytes), dtypes, true, basis);
  }

  /** neuronfit's version, from the build. */
  public static String version() {
    try (InputStream in =
        Inspector.class.getResourceAsStream("/dev/neuronfit/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
