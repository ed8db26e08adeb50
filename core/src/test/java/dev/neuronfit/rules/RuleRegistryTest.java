package dev.neuronfit.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RuleRegistryTest {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern RULE_CLASS =
      Pattern.compile("\\bfinal\\s+class\\s+(\\w+)\\s+extends\\s+Rule\\b");

  private static List<String> ids() {
    return RuleRegistry.rules().stream().map(r -> r.info().id()).toList();
  }

  @Test
  void idsAreUniqueAndKebabCase() {
    assertThat(ids()).isNotEmpty().doesNotHaveDuplicates();
    assertThat(ids()).allMatch(id -> KEBAB.matcher(id).matches(), "kebab-case");
  }

  @Test
  void registryIsSortedById() {
    assertThat(ids()).isSortedAccordingTo(Comparator.naturalOrder());
  }

  @Test
  void everyRuleHasATestClass() {
    for (Rule r : RuleRegistry.rules()) {
      String name = r.getClass().getName() + "Test";
      assertThat(loadable(name)).as("test class %s", name).isTrue();
    }
  }

  @Test
  void everyRuleClassIsNamedAfterItsIdInUpperCamelCase() {
    for (Rule r : RuleRegistry.rules()) {
      String id = r.info().id();
      String expected =
          Stream.of(id.split("-"))
              .map(part -> Character.toUpperCase(part.charAt(0)) + part.substring(1))
              .collect(Collectors.joining());
      assertThat(r.getClass().getSimpleName()).as(id).isEqualTo(expected);
    }
  }

  @Test
  void everyRuleSectionInTheRulesDocNamesItsClass() throws IOException {
    String doc =
        Files.readString(TestFiles.repoRoot().resolve("docs/rules.md"), StandardCharsets.UTF_8);
    for (Rule r : RuleRegistry.rules()) {
      String id = r.info().id();
      int at = doc.indexOf("\n## " + id + "\n");
      assertThat(at).as("section ## %s in docs/rules.md", id).isNotNegative();
      int next = doc.indexOf("\n## ", at + 1);
      String section = next < 0 ? doc.substring(at) : doc.substring(at, next);
      assertThat(section).as(id).contains("- Class: `" + r.getClass().getSimpleName() + "`");
    }
  }

  @Test
  void everyRuleIdIsAHeadingInTheRulesDoc() throws IOException {
    Path doc = TestFiles.repoRoot().resolve("docs/rules.md");
    List<String> headings =
        Files.readAllLines(doc, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("## "))
            .map(l -> l.substring(3).strip())
            .toList();

    assertThat(headings).containsAll(ids());
  }

  @Test
  void everyRuleClassInTheSourceFolderIsRegistered() throws IOException {
    Path folder = TestFiles.repoRoot().resolve("core/src/main/java/dev/neuronfit/rules");
    Set<String> declared = new TreeSet<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = RULE_CLASS.matcher(Files.readString(p, StandardCharsets.UTF_8));
        while (m.find()) {
          declared.add(m.group(1));
        }
      }
    }
    Set<String> registered = new TreeSet<>();
    RuleRegistry.rules().forEach(r -> registered.add(r.getClass().getSimpleName()));

    assertThat(declared).isNotEmpty();
    assertThat(registered).isEqualTo(declared);
  }

  @Test
  void everyRuleNamesItsSourceAndConcernsOnlyKnownTargets() {
    Set<String> targets =
        Set.copyOf(dev.neuronfit.kb.KnowledgeBase.load().supportNow().targetIds());
    for (Rule r : RuleRegistry.rules()) {
      RuleInfo info = r.info();
      assertThat(info.title()).as(info.id()).isNotBlank();
      assertThat(info.source()).as(info.id()).isNotBlank();
      assertThat(targets).as(info.id()).containsAll(info.targets());
      assertThat(info.families()).as(info.id()).doesNotContainNull();
    }
  }

  @Test
  void runOrdersFindingsMostSevereFirst() {
    RuleContext ctx =
        RuleFixtures.model()
            .family(Family.R_CNN)
            .tensors(
                Stream.concat(
                        RuleFixtures.resnet("backbone.body.", true, 3, 4, 6, 3).stream(),
                        RuleFixtures.tensors("roi_heads.box_head.fc6.weight").stream())
                    .toList())
            .weights(RuleFixtures.measured(3L << 30))
            .context();

    List<Finding> findings = RuleRegistry.run(ctx);

    assertThat(findings)
        .extracting(Finding::rule)
        .containsExactly("weights-over-2gb", "rcnn-roi-align-cpu", "rcnn-backbone-size");
    assertThat(findings)
        .extracting(Finding::severity)
        .containsExactly(Severity.ERROR, Severity.WARNING, Severity.INFO);
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
