package dev.neuronfit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.neuronfit.io.ModelFiles;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@link ModelFiles} the only door to model files: no other class of the core library calls
 * the APIs that open, measure or list files, so every reader, present or future, gets its symlink
 * policy (the target must stay inside the model), regular-files-only rule and open deadline.
 */
class FileOpeningArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.neuronfit");

  /** The methods of {@code java.nio.file.Files} that open, read, measure or list a file. */
  private static final Set<String> FILES_OPENING =
      Set.of(
          "newInputStream",
          "newByteChannel",
          "newBufferedReader",
          "readString",
          "readAllBytes",
          "readAllLines",
          "lines",
          "size",
          "list",
          "walk",
          "walkFileTree",
          "find",
          "newDirectoryStream");

  /** Classes whose constructors open a file by name (HdfFile's byte-buffer factory does not). */
  private static final Set<String> OPENING_CLASSES =
      Set.of(
          "java.io.FileInputStream",
          "java.io.RandomAccessFile",
          "java.io.FileReader",
          "java.util.zip.ZipFile",
          "java.util.jar.JarFile",
          "io.jhdf.HdfFile");

  private static final DescribedPredicate<JavaAccess<?>> OPENS_A_FILE =
      new DescribedPredicate<>("open, measure or list a file") {
        @Override
        public boolean test(JavaAccess<?> access) {
          String owner = access.getTargetOwner().getFullName();
          String name = access.getTarget().getName();
          if (owner.equals("java.nio.file.Files")) {
            return FILES_OPENING.contains(name);
          }
          if (owner.equals("java.nio.channels.FileChannel")
              || owner.equals("java.nio.channels.AsynchronousFileChannel")) {
            return name.equals("open");
          }
          return OPENING_CLASSES.contains(owner) && name.equals("<init>");
        }
      };

  @Test
  void onlyModelFilesOpensFiles() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(ModelFiles.class.getName())
        .should()
        .callCodeUnitWhere(OPENS_A_FILE)
        .because("every model file is opened through io.ModelFiles and its policy")
        .check(CORE);
  }
}
