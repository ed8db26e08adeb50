package dev.neuronfit.io.torch;

import dev.neuronfit.rules.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Hostile and harmless PyTorch files for the pickle-safety regressions (issue 11, class 1), built
 * byte by byte at test time. Each case writes one model (a file or a folder) and says what the
 * {@code pickle-runs-code} rule must report: the worst severity and a global the finding names, or
 * nothing. The payloads call {@code posix.system} with {@code touch} of {@link #MARKER}, so a test
 * would notice if one ran.
 */
final class PickleSafetyCorpus {
  static final Path MARKER = Path.of("/tmp/neuronfit-pickle-safety-pwned-8e41");
  private static final String CMD = "touch " + MARKER;

  private PickleSafetyCorpus() {}

  /** Writes the model into an empty folder and returns the path to read. */
  @FunctionalInterface
  interface Writer {
    Path write(Path dir) throws IOException;
  }

  /**
   * @param worst the severity the rule must report, empty when it must not fire
   * @param named text the finding's observed part must contain
   */
  record Case(String name, Writer writer, Optional<Severity> worst, String named) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Map<String, Case> cases() {
    Map<String, Case> m = new LinkedHashMap<>();
    add(
        m,
        "dotted-rebuild-chain",
        d -> zip(d, "archive/", "data.pkl", dottedChain()),
        Severity.ERROR,
        "torch._utils._rebuild_tensor.__globals__.get");
    add(
        m,
        "load-from-bytes-in-zip",
        d -> zip(d, "archive/", "data.pkl", loadFromBytes(system(2))),
        Severity.ERROR,
        "torch.storage._load_from_bytes");
    add(
        m,
        "zip-first-entry-names-the-root",
        d ->
            zipEntries(
                d,
                "model.pt",
                "a/version",
                ascii("3\n"),
                "b/data.pkl",
                ascii("\u0080\u0002}."),
                "a/data.pkl",
                system(2)),
        // torch 1.13 refuses entries outside the first entry's folder; newer readers need not
        Severity.ERROR,
        "posix.system");
    add(m, "legacy-tar", PickleSafetyCorpus::legacyTar, Severity.ERROR, "posix.system");
    add(
        m,
        "hundred-imports-then-system",
        d -> zip(d, "archive/", "data.pkl", hundredImportsThenSystem()),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "code-folder-without-constants",
        d ->
            zipEntries(
                d,
                "model.pt",
                "m/data.pkl",
                system(2),
                "m/code/__torch__/m.py",
                ascii("def forward(self, x):\n  return x\n"),
                "m/version",
                ascii("3\n")),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "protocol-0",
        d -> file(d, "model.bin", ascii("cposix\nsystem\n(S'" + CMD + "'\ntR.")),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "protocol-1",
        d ->
            file(
                d,
                "model.bin",
                ascii("cposix\nsystem\nq\u0000(X" + le4(CMD.length()) + CMD + "tq\u0001R.")),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-beside-safetensors",
        PickleSafetyCorpus::hfFolder,
        Severity.ERROR,
        "training_args.bin: ");
    add(
        m,
        "allowed-only-zip",
        d -> zip(d, "archive/", "data.pkl", ascii("\u0080\u0002ccollections\nOrderedDict\n)R.")),
        null,
        "");
    add(
        m,
        "class-built-not-called",
        d -> zip(d, "archive/", "data.pkl", ascii("\u0080\u0002c__main__\nNet\n)\u0081}b.")),
        Severity.WARNING,
        "__main__.Net");
    add(
        m,
        "class-called-with-arguments",
        d ->
            zip(
                d,
                "archive/",
                "data.pkl",
                ascii("\u0080\u0002czipfile\nZipFile\nX\u0001\u0000\u0000\u0000x\u0085R.")),
        Severity.ERROR,
        "zipfile.ZipFile");
    add(
        m,
        "class-handed-to-a-rebuild",
        d ->
            zip(
                d,
                "archive/",
                "data.pkl",
                ascii(
                    "\u0080\u0002ctorch._tensor\n_rebuild_from_type_v2\nczipfile\nZipFile\n"
                        + "ctorch\nTensor\nX\u0001\u0000\u0000\u0000x\u0085}\u0087R.")),
        Severity.ERROR,
        "zipfile.ZipFile");
    // the second red-team pass (issue 11): new variants of the same class
    add(
        m,
        "call-without-arguments",
        d -> zip(d, "archive/", "data.pkl", ascii("\u0080\u0002cunittest\nmain\n)R.")),
        Severity.ERROR,
        "unittest.main");
    add(
        m,
        "inst-without-arguments",
        d -> file(d, "model.bin", ascii("(iunittest\nmain\n.")),
        Severity.ERROR,
        "unittest.main");
    add(
        m,
        "object-the-pickle-built-is-called",
        d ->
            zip(
                d,
                "archive/",
                "data.pkl",
                ascii(
                    "\u0080\u0002coperator\nitemgetter\nX\u0001\u0000\u0000\u0000a\u0085"
                        + "\u0081}X\u0001\u0000\u0000\u0000aK\u0001s\u0085R.")),
        Severity.ERROR,
        "operator.itemgetter whose result is called");
    add(
        m,
        "code-then-truncated",
        d -> file(d, "model.bin", Arrays.copyOf(system(0), system(0).length - 1)),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-starting-like-onnx",
        d ->
            hfFolder(
                d, "pytorch_model.bin", concat(ascii("B\u0001\u0000\u0000\u0000x0"), system(0))),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-starting-like-safetensors",
        d -> hfFolder(d, "pytorch_model.bin", concat(ascii("(S'12345{'\n0"), system(0))),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-starting-like-gguf",
        d ->
            hfFolder(
                d, "optimizer.pt", concat(ascii("GGUF\u0000\u0000\u0000\u0000\u00000"), system(0))),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-code-then-junk",
        d ->
            hfFolder(
                d,
                "rng_state.pth",
                concat(Arrays.copyOf(system(0), system(0).length - 1), new byte[] {(byte) 0xff})),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-bin-zip-data-pkl-in-capitals",
        d -> {
          // PyTorch's zip reader (miniz) finds archive/data.pkl without regard to ASCII case
          Path bin =
              zipEntries(
                  d, "x.zip", "archive/DATA.PKL", system(2), "archive/version", ascii("3\n"));
          return hfFolder(d, "pytorch_model.bin", Files.readAllBytes(bin));
        },
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "hf-trainer-checkpoint-folder",
        d -> {
          hfFolder(d, "README.md", ascii("a model\n"));
          Files.createDirectories(d.resolve("checkpoint-500/global_step500"));
          Files.write(d.resolve("checkpoint-500/rng_state.pth"), ascii("\u0080\u0002}."));
          Files.write(
              d.resolve("checkpoint-500/global_step500/mp_rank_00_model_states.pt"), system(2));
          return d;
        },
        Severity.ERROR,
        "checkpoint-500/global_step500/mp_rank_00_model_states.pt: ");
    add(
        m,
        "hf-fastai-model-pkl",
        d -> hfFolder(d, "model.pkl", system(2)),
        Severity.ERROR,
        "model.pkl: ");
    add(
        m,
        "file-starting-like-onnx",
        d -> file(d, "model.pt", concat(ascii("B\u0001\u0000\u0000\u0000x0"), system(0))),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "file-starting-like-safetensors",
        d -> file(d, "model.pt", concat(ascii("(S'12345{'\n0"), system(0))),
        Severity.ERROR,
        "posix.system");
    add(
        m,
        "file-starting-like-gguf",
        d -> file(d, "model.pt", concat(ascii("GGUF\u0000\u0000\u0000\u0000\u00000"), system(0))),
        Severity.ERROR,
        "posix.system");
    return m;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A transformers folder whose weights are safetensors, beside one more file. */
  private static Path hfFolder(Path d, String name, byte[] data) throws IOException {
    Files.writeString(d.resolve("config.json"), "{\"model_type\": \"bert\"}");
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    ByteArrayOutputStream st = new ByteArrayOutputStream();
    st.writeBytes(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array());
    st.writeBytes(ascii(header));
    st.writeBytes(new byte[4]);
    Files.write(d.resolve("model.safetensors"), st.toByteArray());
    Files.write(d.resolve(name), data);
    return d;
  }

  private static void add(
      Map<String, Case> m, String name, Writer w, Severity worst, String named) {
    m.put(name, new Case(name, w, Optional.ofNullable(worst), named));
  }

  /** A pickle of the given protocol (0 to 2) calling posix.system with the marker command. */
  static byte[] system(int protocol) {
    String call = "cposix\nsystem\nX" + le4(CMD.length()) + CMD + "\u0085R.";
    return ascii(protocol >= 2 ? "\u0080\u0002" + call : call);
  }

  /** Protocol 4: STACK_GLOBAL of a dotted attribute chain that starts like a rebuild function. */
  private static byte[] dottedChain() {
    String module = "torch._utils";
    String name = "_rebuild_tensor.__globals__.get";
    return ascii(
        "\u0080\u0004\u008c"
            + (char) module.length()
            + module
            + "\u008c"
            + (char) name.length()
            + name
            + "\u0093X\u0002\u0000\u0000\u0000os\u0085R.");
  }

  private static byte[] loadFromBytes(byte[] inner) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(ascii("\u0080\u0002ctorch.storage\n_load_from_bytes\nC"));
    p.write(inner.length);
    p.writeBytes(inner);
    p.writeBytes(ascii("\u0085R."));
    return p.toByteArray();
  }

  /** One hundred classes named (more than the hazard list holds), then posix.system called. */
  private static byte[] hundredImportsThenSystem() {
    StringBuilder b = new StringBuilder("\u0080\u0002(");
    for (int i = 0; i < 120; i++) {
      b.append("c__main__\nC").append(i).append('\n');
    }
    b.append("t0");
    byte[] sys = system(2);
    b.append(new String(sys, 2, sys.length - 2, StandardCharsets.ISO_8859_1));
    return ascii(b.toString());
  }

  /** torch's legacy tar format: no storages, no tensors, and the object pickle calls the shell. */
  private static Path legacyTar(Path d) throws IOException {
    Path f = d.resolve("model.pt");
    try (OutputStream o = Files.newOutputStream(f);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      tarEntry(tar, "sys_info", ascii("\u0080\u0002}."));
      tarEntry(tar, "storages", ascii("\u0080\u0002K\u0000.\u0080\u0002]."));
      tarEntry(tar, "tensors", ascii("\u0080\u0002K\u0000."));
      tarEntry(tar, "pickle", system(2));
    }
    return f;
  }

  private static void tarEntry(TarArchiveOutputStream tar, String name, byte[] data)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** A transformers folder whose weights are safetensors, beside pickles that run code. */
  private static Path hfFolder(Path d) throws IOException {
    Files.writeString(d.resolve("config.json"), "{\"model_type\": \"bert\"}");
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    ByteArrayOutputStream st = new ByteArrayOutputStream();
    st.writeBytes(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array());
    st.writeBytes(ascii(header));
    st.writeBytes(new byte[4]);
    Files.write(d.resolve("model.safetensors"), st.toByteArray());
    zipEntries(
        d,
        "pytorch_model.bin",
        "pytorch_model/data.pkl",
        system(2),
        "pytorch_model/version",
        ascii("3\n"));
    Files.write(d.resolve("training_args.bin"), system(2));
    return d;
  }

  /** A torch zip: the entry, then the version record torch's zip reader requires. */
  private static Path zip(Path d, String root, String entry, byte[] data) throws IOException {
    return zipEntries(d, "model.pt", root + entry, data, root + "version", ascii("3\n"));
  }

  /** A zip of the given entries (name, bytes, name, bytes, ...) in that directory order. */
  static Path zipEntries(Path d, String file, Object... entries) throws IOException {
    Path f = d.resolve(file);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
      for (int i = 0; i < entries.length; i += 2) {
        z.putNextEntry(new ZipEntry((String) entries[i]));
        z.write((byte[]) entries[i + 1]);
        z.closeEntry();
      }
    }
    return f;
  }

  private static Path file(Path d, String name, byte[] data) throws IOException {
    Path f = d.resolve(name);
    Files.write(f, data);
    return f;
  }

  static String le4(int n) {
    return new String(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array(),
        StandardCharsets.ISO_8859_1);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
