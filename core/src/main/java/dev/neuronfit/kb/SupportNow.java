package dev.neuronfit.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dated "support now" layer of the knowledge base ({@code kb/support-now.json}): which software
 * stacks serve models on each target today, at which lifecycle status, for which architectures and
 * quantizations. It sits beside the guideline editions, which stay as they were published. Every
 * status and listing carries a {@link DatedSource}. Immutable.
 *
 * @param snapshot when the data was compiled and which Neuron release it covers
 * @param targets the lifecycle of each target, in the file's order
 * @param stacks the stacks, in the file's order
 */
public record SupportNow(Snapshot snapshot, List<TargetLifecycle> targets, List<Stack> stacks) {
  public SupportNow {
    Objects.requireNonNull(snapshot, "snapshot");
    targets = List.copyOf(targets);
    stacks = List.copyOf(stacks);
  }

  /**
   * The date of the snapshot and the newest Neuron release it covers.
   *
   * @param date when the facts were compiled (ISO date)
   * @param neuron the newest Neuron release covered, e.g. {@code 2.34.0}
   * @param neuronDate that release's date
   */
  public record Snapshot(String date, String neuron, String neuronDate, DatedSource source) {
    public Snapshot {
      Objects.requireNonNull(date, "date");
      Objects.requireNonNull(neuron, "neuron");
      Objects.requireNonNull(neuronDate, "neuronDate");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * A target's own lifecycle.
   *
   * @param frozen true when the target's whole software stack is frozen (inf1)
   * @param text what the announcement says, empty for an active target
   */
  public record TargetLifecycle(
      String target,
      String neuronCore,
      boolean frozen,
      String since,
      String date,
      String text,
      DatedSource source,
      List<DatedSource> sources) {
    public TargetLifecycle {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(source, "source");
      sources = List.copyOf(sources);
    }
  }

  /**
   * One change of a stack's status.
   *
   * @param targets the targets it applies to; empty for all of the stack's targets
   */
  public record StatusChange(
      StackStatus status,
      String neuron,
      String date,
      List<String> targets,
      String text,
      DatedSource source) {
    public StatusChange {
      Objects.requireNonNull(status, "status");
      targets = List.copyOf(targets);
      Objects.requireNonNull(source, "source");
    }

    boolean appliesTo(String target) {
      return targets.isEmpty() || targets.contains(target);
    }
  }

  /**
   * An architecture a stack lists.
   *
   * @param className the Hugging Face architecture class, empty when the list gives only the model
   *     type
   * @param kind what lists it: {@code model recipe}, {@code support list}, ...
   * @param evidence the checkpoints or models named
   */
  public record Listing(
      String className,
      String modelType,
      String kind,
      String evidence,
      List<String> targets,
      String note,
      DatedSource source) {
    public Listing {
      Objects.requireNonNull(className, "className");
      Objects.requireNonNull(modelType, "modelType");
      targets = List.copyOf(targets);
      Objects.requireNonNull(source, "source");
    }

    /** Whether a model with these architecture classes and model type is the one listed. */
    public boolean matches(List<String> classes, Optional<String> type) {
      return className.isEmpty()
          ? type.isPresent() && type.get().equals(modelType)
          : classes.contains(className);
    }
  }

  /**
   * A quantization method a stack runs.
   *
   * @param method a short id: {@code bf16}, {@code fp8}, {@code mxfp4}, ...
   * @param architectures the classes it is documented for; empty for all
   * @param note what happens elsewhere
   */
  public record Quantization(
      String method,
      String label,
      List<String> dtypes,
      List<String> targets,
      List<String> architectures,
      String note,
      DatedSource source) {
    public Quantization {
      Objects.requireNonNull(method, "method");
      dtypes = List.copyOf(dtypes);
      targets = List.copyOf(targets);
      architectures = List.copyOf(architectures);
      Objects.requireNonNull(source, "source");
    }

    /** Whether the entry concerns a model of these classes (an entry naming none concerns all). */
    public boolean forModel(List<String> classes) {
      return architectures.isEmpty() || architectures.stream().anyMatch(classes::contains);
    }
  }

  /** A documented limit of a stack. */
  public record Limit(String text, DatedSource source) {}

  /**
   * One software stack.
   *
   * @param editionPackages the guideline editions' package ids that are this stack
   * @param onboarding how a model no list names is brought onto the stack; empty for stacks that
   *     serve only what they list
   * @param replacement per target, the stack that replaces this one there
   */
  public record Stack(
      String id,
      String name,
      String pkg,
      List<String> editionPackages,
      List<String> frameworks,
      List<String> targets,
      List<String> tasks,
      String onboarding,
      List<StatusChange> status,
      Map<String, String> replacement,
      List<Listing> architectures,
      List<Quantization> quantization,
      List<Limit> unsupportedQuantization,
      List<Limit> limits) {
    public Stack {
      Objects.requireNonNull(id, "id");
      editionPackages = List.copyOf(editionPackages);
      frameworks = List.copyOf(frameworks);
      targets = List.copyOf(targets);
      tasks = List.copyOf(tasks);
      status = List.copyOf(status);
      replacement = Map.copyOf(replacement);
      architectures = List.copyOf(architectures);
      quantization = List.copyOf(quantization);
      unsupportedQuantization = List.copyOf(unsupportedQuantization);
      limits = List.copyOf(limits);
    }

    /** The latest status change that applies to a target, when the stack runs there. */
    public Optional<StatusChange> statusOn(String target) {
      if (!targets.contains(target)) {
        return Optional.empty();
      }
      StatusChange last = null;
      for (StatusChange c : status) {
        if (c.appliesTo(target)) {
          last = c;
        }
      }
      return Optional.ofNullable(last);
    }

    /** The listing of a model on a target, when the stack lists it there. */
    public Optional<Listing> listing(List<String> classes, Optional<String> type, String target) {
      return architectures.stream()
          .filter(l -> l.targets().contains(target) && l.matches(classes, type))
          .findFirst();
    }
  }

  /**
   * A stack that runs a quantization method on a target, with the entry that says so.
   *
   * @param stack the stack, whose status on the target still takes new work
   * @param entry its quantization entry for the method
   */
  public record QuantizationRun(Stack stack, Quantization entry) {
    public QuantizationRun {
      Objects.requireNonNull(stack, "stack");
      Objects.requireNonNull(entry, "entry");
    }
  }

  /**
   * The first stack, in the file's order, whose quantization entries run {@code method} on {@code
   * target} for a model of these architecture classes, and whose status there still takes new work;
   * empty when none does (the method is then not run there: unsupported, rejected or dequantized,
   * whatever a note says).
   */
  public Optional<QuantizationRun> runs(String method, List<String> classes, String target) {
    for (Stack s : stacks) {
      for (Quantization x : s.quantization()) {
        if (x.method().equals(method)
            && x.forModel(classes)
            && x.targets().contains(target)
            && s.statusOn(target).map(st -> st.status().usable()).orElse(false)) {
          return Optional.of(new QuantizationRun(s, x));
        }
      }
    }
    return Optional.empty();
  }

  public Optional<Stack> stack(String id) {
    return stacks.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Optional<TargetLifecycle> target(String id) {
    return targets.stream().filter(t -> t.target().equals(id)).findFirst();
  }

  /** Target ids in the file's order. */
  public List<String> targetIds() {
    return targets.stream().map(TargetLifecycle::target).toList();
  }

  /** Stacks that take any model of a framework on a target, best status first. */
  public List<Stack> onboarding(String target, String framework) {
    List<Stack> out = new ArrayList<>();
    for (Stack s : stacks) {
      Optional<StatusChange> st = s.statusOn(target);
      if (!s.onboarding().isEmpty() && s.frameworks().contains(framework) && st.isPresent()) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(s -> s.statusOn(target).get().status()));
    return out;
  }

  /**
   * Builds the layer from a parsed {@code support-now.json}.
   *
   * @throws IllegalArgumentException naming the entry when a status, listing or limit lacks its
   *     dated source, or a status is unknown
   */
  public static SupportNow parse(JsonNode root) {
    JsonNode s = root.path("snapshot");
    Snapshot snapshot =
        new Snapshot(
            text(s, "date"), text(s, "neuron"), text(s, "neuronDate"), source(s, "source"));
    List<TargetLifecycle> targets = new ArrayList<>();
    for (JsonNode t : root.path("targets")) {
      targets.add(
          new TargetLifecycle(
              text(t, "target"),
              text(t, "neuronCore"),
              "frozen".equals(text(t, "status")),
              t.path("since").asText(""),
              t.path("date").asText(""),
              t.path("text").asText(""),
              source(t, "source"),
              DatedSource.list(t, "sources")));
    }
    List<Stack> stacks = new ArrayList<>();
    for (JsonNode k : root.path("stacks")) {
      stacks.add(stack(k));
    }
    return new SupportNow(snapshot, targets, stacks);
  }

  private static Stack stack(JsonNode k) {
    String id = text(k, "id");
    List<StatusChange> status = new ArrayList<>();
    for (JsonNode c : k.path("status")) {
      String sid = text(c, "status");
      status.add(
          new StatusChange(
              StackStatus.fromId(sid)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException("stack " + id + ": unknown status " + sid)),
              text(c, "neuron"),
              text(c, "date"),
              strings(c.path("targets")),
              c.path("text").asText(""),
              source(c, "source")));
    }
    if (status.isEmpty()) {
      throw new IllegalArgumentException("stack " + id + " has no status");
    }
    List<Listing> listings = new ArrayList<>();
    for (JsonNode a : k.path("architectures")) {
      listings.add(
          new Listing(
              a.path("class").asText(""),
              text(a, "modelType"),
              text(a, "kind"),
              text(a, "evidence"),
              strings(a.path("targets")),
              a.path("note").asText(""),
              source(a, "source")));
    }
    List<Quantization> quant = new ArrayList<>();
    for (JsonNode q : k.path("quantization")) {
      quant.add(
          new Quantization(
              text(q, "method"),
              text(q, "label"),
              strings(q.path("dtypes")),
              strings(q.path("targets")),
              strings(q.path("architectures")),
              q.path("note").asText(""),
              source(q, "source")));
    }
    Map<String, String> replacement = new java.util.LinkedHashMap<>();
    k.path("replacement")
        .fields()
        .forEachRemaining(e -> replacement.put(e.getKey(), e.getValue().asText()));
    List<String> editionPackages = strings(k.path("editionPackages"));
    if (k.has("editionPackage")) {
      editionPackages.add(text(k, "editionPackage"));
    }
    return new Stack(
        id,
        text(k, "name"),
        text(k, "package"),
        editionPackages,
        strings(k.path("frameworks")),
        strings(k.path("targets")),
        strings(k.path("tasks")),
        k.path("onboarding").asText(""),
        status,
        replacement,
        listings,
        quant,
        limits(k.path("unsupportedQuantization")),
        limits(k.path("limits")));
  }

  private static List<Limit> limits(JsonNode array) {
    List<Limit> out = new ArrayList<>();
    for (JsonNode l : array) {
      out.add(new Limit(text(l, "text"), source(l, "source")));
    }
    return out;
  }

  private static DatedSource source(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isObject()) {
      throw new IllegalArgumentException("expected a dated source \"" + key + "\" in " + n);
    }
    return DatedSource.of(v);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("expected a string \"" + key + "\" in " + n);
    }
    return v.asText();
  }
}
