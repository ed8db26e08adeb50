package dev.neuronfit.kb;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One published list of the operators a Neuron compiler or framework package supports, with where
 * it comes from and how old it is. Immutable.
 *
 * @param id stable id, e.g. {@code neuron-cc-onnx}
 * @param name for people, e.g. {@code neuron-cc ONNX list}
 * @param compiler {@code neuron-cc} (NeuronCore-v1) or {@code neuronx-cc} (NeuronCore-v2)
 * @param naming whose operator names the list uses
 * @param targets the targets it is for
 * @param source the documentation file it was transcribed from
 * @param asOf ISO date of its newest entry, or of the last release that published it
 * @param release the release {@code asOf} belongs to, e.g. {@code Neuron 1.14.0}
 * @param status whether the list is current, archived or withdrawn, in neuronfit's words
 * @param authoritative the command that gives the current answer, e.g. {@code neuron-cc
 *     list-operators --framework ONNX}
 * @param modelCheck the tool that checks a whole model against the package, where there is one,
 *     e.g. {@code torch.neuron.analyze_model}
 * @param exhaustive false when the document says the list is not complete, so an operator missing
 *     from it may still be supported; such a list is not used to call operators unsupported
 * @param ops the operators the list names as supported
 * @param conditions neuronfit's summary of the list's notes per operator; an operator found only
 *     here has limited support
 * @param aliases a standard operator name to the list's own spelling of it
 */
public record OperatorList(
    String id,
    String name,
    String compiler,
    OpNaming naming,
    List<String> targets,
    Source source,
    String asOf,
    String release,
    String status,
    String authoritative,
    Optional<String> modelCheck,
    boolean exhaustive,
    Set<String> ops,
    Map<String, String> conditions,
    Map<String, String> aliases) {
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  public OperatorList {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(compiler, "compiler");
    Objects.requireNonNull(naming, "naming");
    targets = List.copyOf(targets);
    Objects.requireNonNull(source, "source");
    if (!ISO_DATE.matcher(asOf).matches()) {
      throw new IllegalArgumentException("asOf must be an ISO date: " + asOf);
    }
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(authoritative, "authoritative");
    Objects.requireNonNull(modelCheck, "modelCheck");
    ops = Set.copyOf(ops);
    conditions = Map.copyOf(conditions);
    aliases = Map.copyOf(aliases);
  }

  /**
   * A file in a repository at a ref.
   *
   * @param repository e.g. {@code aws-neuron/aws-neuron-sdk}
   * @param ref a release tag, or {@code HEAD} for the newest version when transcribed
   * @param path the file
   */
  public record Source(String repository, String ref, String path) {
    public Source {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(path, "path");
    }

    /** E.g. {@code aws-neuron/aws-neuron-sdk@1.14.0:release-notes/neuron-cc-ops/x.rst}. */
    @Override
    public String toString() {
      return repository + "@" + ref + ":" + path;
    }
  }

  /** True when the list names this operator (or the list's own spelling of it) as supported. */
  public boolean supports(String op) {
    return ops.contains(op) || ops.contains(aliases.getOrDefault(op, op));
  }

  /** True when the operator is not fully supported but the list gives a condition for it. */
  public boolean limited(String op) {
    return !supports(op) && conditions.containsKey(op);
  }

  /** The list's condition or note for this operator, if any. */
  public Optional<String> condition(String op) {
    return Optional.ofNullable(conditions.get(op));
  }

  public boolean isFor(String target) {
    return targets.contains(target);
  }

  /** E.g. {@code neuron-cc ONNX list as of 2021-05-28 (Neuron 1.14.0)}. */
  public String label() {
    return name + " as of " + asOf + " (" + release + ")";
  }
}
