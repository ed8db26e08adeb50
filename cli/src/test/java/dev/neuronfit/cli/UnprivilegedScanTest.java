package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code neuronfit scan} run as an unprivileged user (uid 65534, "nobody"), for what permissions
 * only stop such a user: a folder of mode 000, a folder nobody may write to. Root reads and writes
 * through any mode, so when the tests run as root they start a JVM as nobody with util-linux's
 * {@code setpriv}, on a copy of the class path that nobody can read. Skipped when the tests do not
 * run as root, or setpriv is missing or not allowed to switch users (a container without
 * CAP_SETUID).
 */
class UnprivilegedScanTest {
  private static final String NOBODY = "65534";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static Path setpriv;
  private static String classPath;

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void canSwitchToNobody() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "the tests do not run as root");
    setpriv =
        Stream.of("/usr/bin/setpriv", "/bin/setpriv")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(setpriv != null, "setpriv is not installed");
    openToAll(shared);
    classPath = copyClassPath(shared.resolve("cp"));
    Assumptions.assumeTrue(
        asNobody(List.of("/bin/true")).code() == 0, "setpriv may not switch to uid " + NOBODY);
  }

  /** The test's class path, copied where nobody can read it (root's Maven cache is private). */
  private static String copyClassPath(Path to) throws IOException {
    List<String> copied = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (!Files.exists(from)) {
        continue;
      }
      Path target = to.resolve(i++ + "-" + from.getFileName());
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path t = target.resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(t);
          } else {
            Files.createDirectories(t.getParent());
            Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      copied.add(target.toString());
    }
    openToAll(to);
    return String.join(File.pathSeparator, copied);
  }

  /** Readable (and folders searchable) by everyone, from the root of the temporary tree down. */
  private static void openToAll(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(
            f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static Run asNobody(List<String> command) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                setpriv.toString(),
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                "--"));
    cmd.addAll(command);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    // both streams are small: read one, then the other
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the scan as nobody did not end: " + cmd);
    }
    return new Run(p.exitValue(), out, err);
  }

  private static Run scanAsNobody(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-Xmx256m", "-cp", classPath, Main.class.getName(), "scan", "-q"));
    cmd.addAll(List.of(args));
    return asNobody(cmd);
  }

  private void bert(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\"}");
  }

  @Test
  void anUnreadableFolderIsARowAndTheOtherModelsAreScanned() throws Exception {
    Path root = dir.resolve("models");
    bert(root.resolve("a"));
    bert(root.resolve("b-locked/inner"));
    bert(root.resolve("c"));
    openToAll(dir);
    Files.setPosixFilePermissions(
        root.resolve("b-locked"), PosixFilePermissions.fromString("---------"));

    Run r = scanAsNobody("--format", "json", root.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    JsonNode scan = JSON.readTree(r.out());
    List<String> paths = new ArrayList<>();
    scan.get("models")
        .forEach(
            m ->
                paths.add(
                    m.has("model") ? m.get("model").get("path").asText() : m.get("path").asText()));
    assertThat(paths)
        .containsExactly(
            root.resolve("a").toString(),
            root.resolve("b-locked").toString(),
            root.resolve("c").toString());
    assertThat(scan.get("models").get(1).get("error").asText())
        .isEqualTo(root.resolve("b-locked") + ": permission denied");
    assertThat(scan.get("summary").get("models").asInt()).isEqualTo(3);
  }

  @Test
  void anOutputFolderNobodyMayWriteToIsAUsageErrorNamingTheFile() throws Exception {
    bert(dir.resolve("a"));
    Path readOnly = Files.createDirectories(dir.resolve("read-only"));
    openToAll(dir);
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    Path out = readOnly.resolve("scan.csv");

    Run r = scanAsNobody("--format", "csv", "-o", out.toString(), dir.resolve("a").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).isEqualTo("neuronfit: --output " + out + ": permission denied\n");
    assertThat(out).doesNotExist();
  }
}
