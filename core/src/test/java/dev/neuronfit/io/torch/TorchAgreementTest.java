package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.ZipModelReader;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When Debian's python3-torch is installed, every pickle of the corpora (the pickle-safety cases,
 * the torch fixtures and the malformed torch corpus) is loaded with {@code torch.load(...,
 * weights_only=True)} and the answer compared with neuronfit's: a file torch refuses for a global
 * ({@code Unsupported class X}) has a hazard naming X, and a file it accepts has none. Files torch
 * refuses for another reason (an opcode its weights-only unpickler lacks, a missing magic number),
 * files neuronfit refuses as malformed, TorchScript archives (which go to torch.jit.load) and
 * globals that a newer PyTorch allows but the installed one does not are not compared. Skipped when
 * no python3 with torch is found.
 */
class TorchAgreementTest {
  private static final Pattern UNSUPPORTED = Pattern.compile("Unsupported class (\\S+)");

  @TempDir Path tmp;

  @Test
  void weightsOnlyTorchLoadAndTheAllowListAgree() throws Exception {
    Optional<String> python = pythonWithTorch();
    assumeTrue(python.isPresent(), "python3-torch is not installed: the agreement is not checked");
    Map<Path, List<Hazard>> ours = new HashMap<>();
    for (Path f : corpus()) {
      ourHazards(f).ifPresent(h -> ours.put(f, h));
    }
    Path script = tmp.resolve("weights_only_load.py");
    try (InputStream in = getClass().getResourceAsStream("/torch/weights_only_load.py")) {
      Files.write(script, in.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of(python.get(), script.toString()));
    ours.keySet().forEach(p -> cmd.add(p.toString()));
    List<String> lines = run(cmd);

    int compared = 0;
    List<String> disagreements = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", 3);
      Path file = Path.of(f[1]);
      List<Hazard> hazards = ours.get(file);
      if (f[0].equals("ACCEPT")) {
        compared++;
        if (!hazards.isEmpty()) {
          disagreements.add(file + ": torch accepts it, neuronfit reports " + hazards);
        }
        continue;
      }
      Matcher m = UNSUPPORTED.matcher(f[2]);
      if (!m.find() || allowedByNewerTorch(m.group(1))) {
        continue;
      }
      compared++;
      String global = m.group(1);
      if (hazards.stream().noneMatch(h -> h.detail().startsWith(global))) {
        disagreements.add(file + ": torch refuses " + global + ", neuronfit reports " + hazards);
      }
    }
    assertThat(lines).hasSize(ours.size());
    assertThat(disagreements).isEmpty();
    assertThat(compared).isGreaterThanOrEqualTo(10);
  }

  /**
   * Globals a current PyTorch allows that torch 1.13 (Debian's python3-torch) does not: refusing
   * one of these is the installed torch's age, not a disagreement. Listed here, apart from our
   * table, so that a wrong entry in the table cannot hide itself.
   */
  private static final Set<String> ADDED_AFTER_1_13 =
      Set.of(
          "_codecs.encode",
          "builtins.bytearray",
          "builtins.set",
          "builtins.complex",
          "collections.Counter",
          "torch.device",
          "torch._tensor._rebuild_from_type_v2",
          "torch._utils._rebuild_tensor_v3",
          "torch._utils._rebuild_parameter_with_state",
          "torch._utils._rebuild_qtensor",
          "torch._utils._rebuild_wrapper_subclass",
          "torch._utils._rebuild_device_tensor_from_numpy",
          "torch._utils._rebuild_device_tensor_from_cpu_tensor",
          "torch.uint8",
          "torch.bool",
          "torch.bfloat16",
          "torch.quint8",
          "torch.qint8",
          "torch.qint32",
          "torch.quint4x2",
          "torch.quint2x4",
          "torch.per_tensor_affine",
          "torch.per_tensor_symmetric",
          "torch.per_channel_affine",
          "torch.per_channel_symmetric",
          "torch.per_channel_affine_float_qparams");

  private static boolean allowedByNewerTorch(String global) {
    return ADDED_AFTER_1_13.contains(global);
  }

  private List<Path> corpus() throws IOException {
    List<Path> files = new ArrayList<>();
    for (PickleSafetyCorpus.Case c : PickleSafetyCorpus.cases().values()) {
      Path dir = Files.createDirectories(tmp.resolve("safety").resolve(c.name()));
      c.writer().write(dir);
    }
    for (Path root :
        List.of(
            tmp.resolve("safety"),
            TorchFixtures.dir(),
            Path.of("src/test/resources/malformed/torch"))) {
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    return files;
  }

  /** neuronfit's hazards for a file torch.load would unpickle, empty when not compared. */
  private static Optional<List<Hazard>> ourHazards(Path f) throws IOException {
    ContentSniffer.Kind kind;
    try {
      kind = ContentSniffer.sniff(f);
    } catch (ModelFormatException e) {
      return Optional.empty();
    }
    ModelProfile p;
    try {
      if (kind == ContentSniffer.Kind.ZIP) {
        p = new ZipModelReader().read(f, ReadLimits.DEFAULT);
      } else if (kind == ContentSniffer.Kind.PICKLE) {
        p = new PickleCheckpointReader().read(f, ReadLimits.DEFAULT);
      } else {
        return Optional.empty();
      }
    } catch (ModelFormatException e) {
      return Optional.empty();
    }
    return p.format() == ModelFormat.TORCHSCRIPT ? Optional.empty() : Optional.of(p.hazards());
  }

  private List<String> run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().put("TMPDIR", tmp.toString());
    pb.redirectError(tmp.resolve("stderr.txt").toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }

  private static Optional<String> pythonWithTorch() {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(python);
        }
      } catch (IOException | InterruptedException e) {
        // not this one
      }
    }
    return Optional.empty();
  }
}
