package dev.neuronfit.report;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Section;
import dev.neuronfit.kb.Target;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Links to sections of an edition's guideline page. The page is reStructuredText; docutils gives
 * each section an id made from its title and each explicit label ({@code .. _name:}) an id made
 * from the label, both by the same rule: ASCII letters and digits, lower case, other runs turned
 * into one hyphen, leading digits and hyphens dropped. A link goes to the label when the section
 * has one, else to the deepest heading of its path that is not a per-target sub-heading such as
 * "Inferentia" (those repeat under every family, so their ids are not unique).
 */
final class GuidelineLinks {
  private static final String SECTION_MARK = " § ";

  private GuidelineLinks() {}

  /** The address of a section of the edition's page. */
  static String url(Edition edition, Section section) {
    String id = fragment(edition, section);
    return edition.source().url() + (id.isEmpty() ? "" : "#" + id);
  }

  /**
   * The section a finding's source names, when it cites this edition's page in the form rules use
   * ({@code page@ref § Title › Sub [label]}); empty for other sources such as operator lists.
   */
  static Optional<Section> section(Edition edition, String source) {
    String prefix = edition.source().cite() + SECTION_MARK;
    if (!source.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = source.substring(prefix.length()).strip();
    int open = rest.lastIndexOf(" [");
    if (rest.endsWith("]") && open > 0) {
      return Optional.of(
          new Section(
              rest.substring(0, open), Optional.of(rest.substring(open + 2, rest.length() - 1))));
    }
    return rest.isEmpty() ? Optional.empty() : Optional.of(new Section(rest, Optional.empty()));
  }

  static String fragment(Edition edition, Section section) {
    if (section.anchor().isPresent()) {
      return docutilsId(section.anchor().get());
    }
    String[] path = section.title().split(" › ");
    for (int i = path.length - 1; i >= 0; i--) {
      if (!isTargetHeading(edition, path[i].strip())) {
        return docutilsId(path[i]);
      }
    }
    return "";
  }

  private static boolean isTargetHeading(Edition edition, String heading) {
    for (Target t : edition.targets()) {
      String product = t.name().startsWith("AWS ") ? t.name().substring(4) : t.name();
      if (heading.equalsIgnoreCase(product) || heading.equalsIgnoreCase(t.name())) {
        return true;
      }
    }
    return false;
  }

  /** The id docutils derives from a title or label, e.g. {@code 2gb_protobuf_issue -> gb-...}. */
  static String docutilsId(String text) {
    String ascii =
        Normalizer.normalize(text, Normalizer.Form.NFKD)
            .replaceAll("[^\\p{ASCII}]", "")
            .toLowerCase(Locale.ROOT);
    return ascii.replaceAll("[^a-z0-9]+", "-").replaceAll("^[-0-9]+|-+$", "");
  }
}
