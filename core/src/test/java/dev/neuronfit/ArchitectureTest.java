package dev.neuronfit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the core library's shape: no CLI or HTTP imports, no printing, file access only in io. */
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

  @Test
  void dataFlowsOneWay() {
    noClasses()
        .that()
        .resideInAPackage("dev.neuronfit.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.neuronfit.io..",
            "dev.neuronfit.classify..",
            "dev.neuronfit.rules..",
            "dev.neuronfit.report..")
        .check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.neuronfit.io..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.neuronfit.classify..",
            "dev.neuronfit.rules..",
            "dev.neuronfit.report..",
            "dev.neuronfit.verdict..")
        .check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.neuronfit.coverage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.neuronfit.io..",
            "dev.neuronfit.classify..",
            "dev.neuronfit.rules..",
            "dev.neuronfit.report..",
            "dev.neuronfit.verdict..")
        .check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.neuronfit.rules..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.neuronfit.report..", "dev.neuronfit.io..")
        .check(CORE);
  }
}
