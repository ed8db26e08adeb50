package dev.neuronfit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps the core library's shape: no CLI or HTTP imports, no printing, file access only in io, and
 * each package importing only the packages its row of {@link #MAY_IMPORT} allows.
 */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.neuronfit");

  @Test
  void coreNeverImportsCliOrHttpFrameworks() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "picocli..",
            "io.javalin..",
            "jakarta.servlet..",
            "org.eclipse.jetty..",
            "dev.neuronfit.cli..")
        .check(CORE);
  }

  @Test
  void coreNeverPrints() {
    noClasses()
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .callMethod(Throwable.class, "printStackTrace")
        .check(CORE);
  }

  @Test
  void onlyTheReadersTouchTheFileSystem() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.neuronfit.io..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.nio.file.Files")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.FileInputStream")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.nio.channels.FileChannel")
        .check(CORE);
  }

  /**
   * Which neuronfit packages each top-level package may import, besides itself and its own
   * sub-packages. Data flows one way: bytes (io) -> profile (model) -> classification, coverage,
   * estimates and verdicts (which read only the profile and the knowledge base) -> findings (rules)
   * -> report -> text. {@code ""} is the root package, the {@link Inspector} entry point that wires
   * the stages; {@code scan} drives the entry point over folders without importing it. docs/
   * architecture.md describes the same table; a new package gets a row here before it builds.
   */
  static final Map<String, Set<String>> MAY_IMPORT =
      Map.ofEntries(
          Map.entry("model", Set.of()),
          // the one escaper of control characters, for reports, plans and io's error messages
          Map.entry("text", Set.of()),
          Map.entry("io", Set.of("model", "text")),
          // the knowledge base reads its JSON resources through io's bounded JSON tree builder
          Map.entry("kb", Set.of("model", "io")),
          Map.entry("classify", Set.of("model", "kb")),
          Map.entry("coverage", Set.of("model", "kb")),
          Map.entry("estimate", Set.of("model", "kb")),
          Map.entry("verdict", Set.of("model", "kb")),
          // lifecycle rules read today's path per target, which verdict builds before the rules run
          Map.entry("rules", Set.of("model", "kb", "classify", "coverage", "estimate", "verdict")),
          // a plan is built from the same analysis as the report, before the report exists
          Map.entry("plan", Set.of("model", "kb", "estimate", "verdict", "rules", "text")),
          Map.entry(
              "report",
              Set.of(
                  "model",
                  "kb",
                  "classify",
                  "coverage",
                  "estimate",
                  "verdict",
                  "rules",
                  "plan",
                  "text")),
          Map.entry("scan", Set.of("io", "report")),
          Map.entry(
              "",
              Set.of(
                  "model",
                  "io",
                  "kb",
                  "classify",
                  "coverage",
                  "estimate",
                  "verdict",
                  "rules",
                  "plan",
                  "report",
                  "text")));

  /** The top-level package of a neuronfit class: "" for the root, else the first segment. */
  private static String topLevel(String packageName) {
    String rest = packageName.equals(BASE) ? "" : packageName.substring(BASE.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static final String BASE = "dev.neuronfit";

  @Test
  void everyPackageHasARowInTheLayering() {
    Set<String> found = new TreeSet<>();
    CORE.forEach(c -> found.add(topLevel(c.getPackageName())));
    assertThat(MAY_IMPORT.keySet())
        .as("top-level packages of core, each needs a row in MAY_IMPORT")
        .containsAll(found);
  }

  @Test
  void eachPackageImportsOnlyWhatItsRowAllows() {
    for (Map.Entry<String, Set<String>> row : MAY_IMPORT.entrySet()) {
      String pkg = row.getKey();
      List<String> forbidden =
          MAY_IMPORT.keySet().stream()
              .filter(other -> !other.equals(pkg) && !row.getValue().contains(other))
              .map(other -> other.isEmpty() ? BASE : BASE + "." + other + "..")
              .sorted()
              .toList();
      if (forbidden.isEmpty()) {
        continue;
      }
      String from = pkg.isEmpty() ? BASE : BASE + "." + pkg + "..";
      noClasses()
          .that()
          .resideInAPackage(from)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden.toArray(String[]::new))
          .as(
              (pkg.isEmpty() ? "the root package" : pkg)
                  + " imports only "
                  + (row.getValue().isEmpty() ? "no other neuronfit package" : row.getValue()))
          .allowEmptyShould(true)
          .check(CORE);
    }
  }

  @Test
  void estimateAndClassifyReadOnlyTheProfileAndTheKnowledgeBase() {
    assertThat(MAY_IMPORT.get("estimate")).containsExactlyInAnyOrder("model", "kb");
    assertThat(MAY_IMPORT.get("classify")).containsExactlyInAnyOrder("model", "kb");
  }
}
