package dev.neuronfit.kb;

import dev.neuronfit.model.ModelFormat;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What this build of neuronfit knows, in words for {@code --version}, {@code --help} and the
 * README: the formats it reads, the guideline editions it carries and how recent its operator lists
 * are. Everything comes from the knowledge base and {@link ModelFormat}, so the words follow the
 * data. Immutable.
 *
 * @param editions the guideline editions, oldest first; the last is the default
 * @param lists the Neuron operator lists, in file order
 */
public record KnowledgeSnapshot(List<Edition> editions, List<OperatorList> lists) {
  public KnowledgeSnapshot {
    editions = List.copyOf(editions);
    lists = List.copyOf(lists);
    if (editions.isEmpty()) {
      throw new IllegalArgumentException("no edition");
    }
  }

  /** The snapshot of a knowledge base (parses every edition and the operator lists). */
  public static KnowledgeSnapshot of(KnowledgeBase kb) {
    List<Edition> editions =
        kb.editionIds().stream().map(id -> kb.edition(id).orElseThrow()).toList();
    return new KnowledgeSnapshot(editions, kb.operatorLists().lists());
  }

  /** e.g. {@code Hugging Face model folders, ONNX models, ... and Keras .keras and .h5 files}. */
  public static String formats() {
    List<String> titles = Arrays.stream(ModelFormat.values()).map(ModelFormat::title).toList();
    return String.join(", ", titles.subList(0, titles.size() - 1))
        + " and "
        + titles.get(titles.size() - 1);
  }

  /** The edition used when none is asked for. */
  public Edition defaultEdition() {
    return editions.get(editions.size() - 1);
  }

  /** The date of the newest operator list, e.g. {@code 2023-08-28}: how current the data is. */
  public String asOf() {
    return lists.stream()
        .map(OperatorList::asOf)
        .max(Comparator.naturalOrder())
        .orElse(defaultEdition().neuronReleases());
  }

  /**
   * e.g. {@code 2.5.0 (Neuron 2.5.0 - 2.8.0), ..., 2.11.0 (Neuron 2.11.0 - 2.17.0, the default)}.
   */
  public String editionsLine() {
    return editions.stream()
        .map(
            e ->
                e.id()
                    + " (Neuron "
                    + e.neuronReleases()
                    + (e == defaultEdition() ? ", the default" : "")
                    + ")")
        .collect(Collectors.joining(", "));
  }

  /** The guideline page's file name, e.g. {@code model-architecture-fit.rst}. */
  public String guidelineName() {
    String path = defaultEdition().source().path();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The lines {@code --version} prints after the version. */
  public List<String> lines() {
    return List.of(
        "reads: " + formats(),
        "guidelines: " + guidelineName() + " editions " + editionsLine(),
        "knowledge snapshot: operator lists as of "
            + asOf()
            + " ("
            + lists.stream().map(l -> l.id() + " " + l.asOf()).collect(Collectors.joining(", "))
            + ")");
  }
}
