package dev.neuronfit.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the repository and the shared reference folder are, for tests that read them. */
public final class TestFiles {
  private TestFiles() {}

  /**
   * The repository root (set by surefire as neuronfit.root; falls back to the working folder's
   * parent).
   */
  public static Path repoRoot() {
    String prop = System.getProperty("neuronfit.root");
    Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
    if (!Files.isDirectory(p.resolve("examples"))) {
      throw new IllegalStateException("cannot find the repository root (tried " + p + ")");
    }
    return p;
  }

  public static Path examples() {
    return repoRoot().resolve("examples");
  }

  /** A file of the ONNX fixtures in {@code core/src/test/resources/onnx/}. */
  public static Path onnxFixture(String name) {
    return repoRoot().resolve("core/src/test/resources/onnx").resolve(name);
  }

  /** ../shared beside the clone, when present (tests that need it skip otherwise). */
  public static Optional<Path> shared() {
    Path p = repoRoot().resolveSibling("shared");
    return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * ../shared beside the clone; without it the calling test is skipped with a message saying what
   * it would have checked.
   *
   * @param wouldCheck what the test checks against the shared folder, e.g. {@code "the ONNX models'
   *     families against their labels"}
   */
  public static Path sharedOrSkip(String wouldCheck) {
    Optional<Path> shared = shared();
    org.junit.jupiter.api.Assumptions.assumeTrue(shared.isPresent(), () -> skipMessage(wouldCheck));
    return shared.get();
  }

  /** Why a test that needs ../shared did not run, and what it would have checked. */
  public static String skipMessage(String wouldCheck) {
    return "../shared is not beside the clone, so this test did not check " + wouldCheck;
  }
}
