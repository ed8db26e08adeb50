package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.ZipModelReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Fuzzes the zip path: TorchScript archives, torch.save checkpoints and the dispatch between them.
 * The first target reads arbitrary bytes as a file; the second builds archives from fuzzer-chosen
 * parts (entry names, a data.pkl, constants.pkl and bytecode.pkl of arbitrary bytes, TorchScript
 * code assembled from statement fragments, storage entries), which random bytes rarely get through
 * the zip format to. Each profile is classified and its operators covered, as a report would. The
 * only failure allowed is a one-line {@link ModelFormatException} naming the file.
 *
 * <p>Plain {@code mvn test} runs both in Jazzer's regression mode, once per input in {@code
 * src/test/resources/dev/neuronfit/io/torch/TorchArchiveFuzzTestInputs/<method>/} (seeds: small
 * fixtures, and past findings). To fuzz (both targets, one after the other):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=TorchArchiveFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>That runs each for {@code maxDuration}; Jazzer 0.24 has no override, so raise it locally for a
 * longer run. A crashing input is written into the inputs folder: fix the reader, keep the input
 * there, and add it to the malformed corpus ({@code src/test/resources/malformed/torch/}).
 */
class TorchArchiveFuzzTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Classifier CLASSIFIER = new Classifier(KB::catalogue);

  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({"PK", "data.pkl", "code/", "constants.pkl", "bytecode.pkl", "archive/"})
  void readsAnyBytesOrRefusesThem(byte[] data) throws IOException {
    read(data, "model.pt");
  }

  private static final String[] ROOTS = {"m/", "archive/", "", "../", "/abs/", "a/b/"};

  private static final String[] CODE = {
    "class M(Module):\n",
    "  w : Tensor\n",
    "  sub : __torch__.torch.nn.modules.rnn.LSTM\n",
    "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n",
    "    y = torch.conv2d(x, self.w, None, [16, 16], [0, 0], [1, 1], 1)\n",
    "    z = torch.softmax(torch.matmul(y, y), -1)\n",
    "    q = torch.matmul(z, y)\n",
    "    a, b, = torch.lstm(x, [x], [self.w], True, 1, 0., False, False, True)\n",
    "    r = ops.torchvision.roi_align(x, y, 1., 7, 7, 2, True)\n",
    "    k = ops.torchvision.nms(x, y, 0.5)\n",
    "    s = torch.cat([torch.sin(x), torch.cos(x), torch.exp(x)], 1)\n",
    "    u = (self.sub).forward(x, )\n",
    "    return torch.masked_fill(q, torch.eq(self.w, 0), -1)\n",
    "    if torch.gt(x, 1):\n      pass\n    else:\n      ops.prim.RaiseException(\"(\")\n",
    "def f(x: Tensor) -> Tensor:\n  return torch.triu(x)\n",
    "op_version_set = 1\nimport __torch__.x\n",
    "    t = torch.add(((((x))))\n",
    "    v = \"unterminated\n",
    "  def __setstate__(self: M, s: int) -> None:\n    _0 = ops.quantized.conv2d_prepack(s)\n",
  };

  /** Builds an archive from parts and reads it. */
  @FuzzTest(maxDuration = "20s")
  void readsAnyArchiveBuiltFromPartsOrRefusesIt(FuzzedDataProvider d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      String root = d.pickValue(ROOTS);
      z.setLevel(d.consumeBoolean() ? 0 : 9);
      for (int i = d.consumeInt(0, 7); i > 0; i--) {
        String name;
        byte[] content;
        switch (d.consumeInt(0, 6)) {
          case 0, 1 -> {
            name = root + "data.pkl";
            content = d.consumeBytes(d.consumeInt(0, 512));
          }
          case 2 -> {
            name = root + d.pickValue(new String[] {"constants.pkl", "bytecode.pkl"});
            content = d.consumeBytes(d.consumeInt(0, 256));
          }
          case 3, 4 -> {
            name = root + "code/__torch__/" + d.pickValue(new String[] {"m", "x/y", "a.b"}) + ".py";
            StringBuilder text = new StringBuilder();
            for (int k = d.consumeInt(0, 12); k > 0; k--) {
              text.append(d.consumeBoolean() ? d.pickValue(CODE) : d.consumeString(24));
            }
            content = text.toString().getBytes(StandardCharsets.UTF_8);
          }
          case 5 -> {
            name = root + "data/" + d.consumeInt(0, 3);
            content = new byte[d.consumeInt(0, 64)];
          }
          default -> {
            name = d.consumeString(16);
            content = d.consumeBytes(16);
          }
        }
        try {
          z.putNextEntry(new ZipEntry(name));
          z.write(content);
          z.closeEntry();
        } catch (java.util.zip.ZipException | IllegalArgumentException e) {
          // a duplicate or unwritable name: leave it out
        }
      }
    } catch (java.util.zip.ZipException e) {
      return;
    }
    read(bytes.toByteArray(), "built.pt");
  }

  private static void read(byte[] data, String name) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, data);
    try {
      ModelProfile p = new ZipModelReader().read(file, ReadLimits.DEFAULT);
      CLASSIFIER.classify(p);
      OperatorCoverage.of(p, KB.operatorLists(), List.of("inf1", "inf2"));
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  /** Each execution writes a file; on Linux's {@code /dev/shm} that is much faster than a disk. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-torch-fuzz")
          : Files.createTempDirectory("neuronfit-torch-fuzz");
    }
  }
}
