package dev.neuronfit.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Neuron chips, the instance sizes built from them, and which chip each target uses: the figures
 * behind roofline bounds and sizing. Loaded from {@code kb/hardware.json} or from a file a user
 * supplies in the same layout (for example to add Trainium2). Immutable.
 */
public final class Hardware {
  private static final double GIB = 1024.0 * 1024 * 1024;

  /**
   * One chip.
   *
   * @param peakTflops dense peak TFLOPS (or TOPS) per element type name (BF16, F16, F32, I8, ...)
   * @param deviceMemoryBytes memory per chip
   * @param bandwidthBytesPerSecond memory bandwidth per chip
   * @param memoryPerCoreBytes memory one NeuronCore can address
   * @param coresPerChip NeuronCores per chip as sizing counts them: logical cores at the default
   *     LNC on chips that have logical NeuronCore configurations
   * @param physicalCoresPerChip physical NeuronCores per chip
   * @param onChipMemoryPerCoreMiB on-chip memories per physical core (SBUF, PSUM), when documented
   * @param onChipMemorySource where the on-chip sizes are documented, or why there are none (empty
   *     in a user's file that gives neither)
   * @param lnc the logical NeuronCore configurations (empty for chips without LNC)
   * @param defaultLnc the LNC the runtime uses unless told otherwise (0 without LNC)
   * @param note where sources disagree and which figure was chosen; empty when they agree
   * @param sources the dated documents the figures come from (empty in a user's file without them)
   */
  public record Chip(
      String id,
      String name,
      String neuronCore,
      int coresPerChip,
      Map<String, Double> peakTflops,
      long deviceMemoryBytes,
      double bandwidthBytesPerSecond,
      long memoryPerCoreBytes,
      String notes,
      String source,
      int physicalCoresPerChip,
      Map<String, Double> onChipMemoryPerCoreMiB,
      String onChipMemorySource,
      List<Lnc> lnc,
      int defaultLnc,
      String note,
      List<DatedSource> sources) {
    public Chip {
      Objects.requireNonNull(id, "id");
      peakTflops = Map.copyOf(peakTflops);
      onChipMemoryPerCoreMiB = Map.copyOf(onChipMemoryPerCoreMiB);
      Objects.requireNonNull(onChipMemorySource, "onChipMemorySource");
      lnc = List.copyOf(lnc);
      sources = List.copyOf(sources);
    }

    /** The configuration for the default LNC, when the chip has LNC. */
    public Optional<Lnc> defaultLncConfig() {
      return lnc.stream().filter(l -> l.lnc() == defaultLnc).findFirst();
    }

    /**
     * On-chip memory of one NeuronCore as sizing counts cores (a logical core at LNC 2 has the SBUF
     * and PSUM of both its physical cores), in bytes; 0 when undocumented.
     */
    public long onChipBytesPerCore() {
      double mib = onChipMemoryPerCoreMiB.values().stream().mapToDouble(Double::doubleValue).sum();
      return (long) (mib * 1024 * 1024 * physicalCoresPerChip / Math.max(1, coresPerChip));
    }

    /** Peak FLOP/s for an element type, or empty when the chip lists none for it. */
    public Optional<Double> peakFlops(String dtype) {
      return Optional.ofNullable(peakTflops.get(dtype)).map(t -> t * 1e12);
    }
  }

  /**
   * One logical NeuronCore configuration.
   *
   * @param lnc physical cores per logical core (1 or 2)
   * @param coresPerChip logical cores per chip
   * @param memoryPerCoreBytes device memory per logical core
   * @param note how the memory is shared
   */
  public record Lnc(int lnc, int coresPerChip, long memoryPerCoreBytes, String note) {
    public Lnc {
      Objects.requireNonNull(note, "note");
    }
  }

  /**
   * An instance size.
   *
   * @param neuronCores NeuronCores as sizing counts them (logical cores at the default LNC)
   * @param physicalNeuronCores physical NeuronCores
   * @param inferred the figures derived by arithmetic or indirect evidence rather than stated
   * @param note where sources disagree or are silent
   * @param sources the dated documents the figures come from
   */
  public record Instance(
      String name,
      String target,
      int chips,
      int neuronCores,
      long deviceMemoryBytes,
      double bandwidthBytesPerSecond,
      int physicalNeuronCores,
      List<String> inferred,
      String note,
      List<DatedSource> sources) {
    public Instance {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(target, "target");
      inferred = List.copyOf(inferred);
      Objects.requireNonNull(note, "note");
      sources = List.copyOf(sources);
    }
  }

  /**
   * A target's hardware.
   *
   * @param tensorParallelDegrees the degrees the Neuron runtime supports for splitting a model over
   *     NeuronCores (empty when it gives none)
   * @param inf1PipelineRule true for Inferentia, where the NeuronCore pipeline rule of thumb
   *     applies
   * @param tensorParallelSource where the degrees are documented, when the file says
   */
  public record TargetHardware(
      String target,
      Chip chip,
      List<Integer> tensorParallelDegrees,
      boolean inf1PipelineRule,
      List<Instance> instances,
      Optional<DatedSource> tensorParallelSource) {
    public TargetHardware {
      Objects.requireNonNull(tensorParallelSource, "tensorParallelSource");
      tensorParallelDegrees = List.copyOf(tensorParallelDegrees);
      instances = List.copyOf(instances);
    }
  }

  private final Map<String, TargetHardware> targets;
  private final String source;

  private Hardware(Map<String, TargetHardware> targets, String source) {
    this.targets = Map.copyOf(targets);
    this.source = source;
  }

  /** Where the figures come from: the built-in file or a user's file name. */
  public String source() {
    return source;
  }

  public Optional<TargetHardware> target(String id) {
    return Optional.ofNullable(targets.get(id));
  }

  /** Target ids in a stable order. */
  public List<String> targetIds() {
    return targets.keySet().stream().sorted().toList();
  }

  /**
   * Builds the hardware from a parsed file.
   *
   * @throws IllegalArgumentException naming the key when the file does not have the expected layout
   */
  public static Hardware parse(JsonNode root, String source) {
    Map<String, Chip> chips = new LinkedHashMap<>();
    for (JsonNode c : array(root, "chips")) {
      Map<String, Double> peak = doubles(c.path("peakTflops"));
      List<Lnc> lnc = new ArrayList<>();
      for (JsonNode l : c.path("lnc").path("configs")) {
        lnc.add(
            new Lnc(
                positive(l, "lnc"),
                positive(l, "coresPerChip"),
                (long) (number(l, "memoryPerCoreGiB") * GIB),
                l.path("note").asText("")));
      }
      Chip chip =
          new Chip(
              text(c, "id"),
              c.path("name").asText(text(c, "id")),
              c.path("neuronCore").asText(""),
              positive(c, "coresPerChip"),
              peak,
              (long) (number(c, "deviceMemoryGiB") * GIB),
              bandwidth(c),
              (long)
                  (c.path("memoryPerCoreGiB")
                          .asDouble(number(c, "deviceMemoryGiB") / positive(c, "coresPerChip"))
                      * GIB),
              c.path("notes").asText(""),
              c.path("source").asText(""),
              c.has("physicalCoresPerChip")
                  ? positive(c, "physicalCoresPerChip")
                  : positive(c, "coresPerChip"),
              doubles(c.path("onChipMemoryPerCoreMiB")),
              onChipSource(c),
              lnc,
              c.path("lnc").path("default").asInt(0),
              c.path("note").asText(""),
              DatedSource.list(c, "sources"));
      chips.put(chip.id(), chip);
    }
    Map<String, List<Instance>> instances = new LinkedHashMap<>();
    for (JsonNode i : array(root, "instances")) {
      Instance inst =
          new Instance(
              text(i, "instance"),
              text(i, "target"),
              positive(i, "chips"),
              positive(i, "neuronCores"),
              (long) (number(i, "deviceMemoryGiB") * GIB),
              bandwidth(i),
              i.has("physicalNeuronCores")
                  ? positive(i, "physicalNeuronCores")
                  : positive(i, "neuronCores"),
              strings(i.path("inferred")),
              i.path("note").asText(""),
              DatedSource.list(i, "sources"));
      instances.computeIfAbsent(inst.target(), k -> new ArrayList<>()).add(inst);
    }
    Map<String, TargetHardware> targets = new LinkedHashMap<>();
    for (JsonNode t : array(root, "targets")) {
      String id = text(t, "target");
      String chipId = text(t, "chip");
      Chip chip = chips.get(chipId);
      if (chip == null) {
        throw new IllegalArgumentException("target " + id + " names unknown chip " + chipId);
      }
      List<Integer> tp = new ArrayList<>();
      t.path("tensorParallelDegrees").forEach(d -> tp.add(d.asInt()));
      List<Instance> own = new ArrayList<>(instances.getOrDefault(id, List.of()));
      own.sort(
          Comparator.comparingLong(Instance::deviceMemoryBytes).thenComparingInt(Instance::chips));
      JsonNode tpSource = t.get("tensorParallelSource");
      targets.put(
          id,
          new TargetHardware(
              id,
              chip,
              tp,
              "inf1".equals(t.path("pipelineRule").asText()),
              own,
              tpSource == null ? Optional.empty() : Optional.of(DatedSource.of(tpSource))));
    }
    return new Hardware(targets, source);
  }

  /** Bandwidth in bytes per second from GiB/s, or from decimal TB/s as the newer pages give it. */
  /**
   * Where a chip's on-chip memory sizes come from: its own field, else the dated source that covers
   * the SBUF, else the note saying why there is no size.
   */
  private static String onChipSource(JsonNode c) {
    if (c.hasNonNull("onChipMemorySource")) {
      return c.get("onChipMemorySource").asText();
    }
    for (JsonNode s : c.path("sources")) {
      if (s.path("covers").asText("").contains("SBUF")) {
        return s.path("url").asText("");
      }
    }
    return c.path("onChipMemoryNote").asText("");
  }

  private static double bandwidth(JsonNode n) {
    return n.has("memoryBandwidthTBps")
        ? number(n, "memoryBandwidthTBps") * 1e12
        : number(n, "memoryBandwidthGiBps") * GIB;
  }

  private static Map<String, Double> doubles(JsonNode object) {
    Map<String, Double> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Iterable<JsonNode> array(JsonNode n, String key) {
    JsonNode a = n.get(key);
    if (a == null || !a.isArray()) {
      throw new IllegalArgumentException("expected an array \"" + key + "\"");
    }
    return a;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException("expected a string \"" + key + "\" in " + n);
    }
    return v.asText();
  }

  private static double number(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isNumber() || v.asDouble() <= 0) {
      throw new IllegalArgumentException("expected a positive number \"" + key + "\" in " + n);
    }
    return v.asDouble();
  }

  private static int positive(JsonNode n, String key) {
    double d = number(n, key);
    if (d != Math.rint(d)) {
      throw new IllegalArgumentException("expected a whole number \"" + key + "\" in " + n);
    }
    return (int) d;
  }
}
