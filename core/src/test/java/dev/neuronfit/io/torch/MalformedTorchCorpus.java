package dev.neuronfit.io.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds the malformed-input corpus of {@code src/test/resources/malformed/torch/}: one folder per
 * case holding one file, a zip archive ({@code model.pt}) or a pickle stream ({@code model.bin})
 * with one fault. JDK only, so it runs as a source file:
 *
 * <pre>
 * java core/src/test/java/dev/neuronfit/io/torch/MalformedTorchCorpus.java core/src/test/resources/malformed/torch
 * </pre>
 *
 * <p>That rewrites the committed cases and never deletes (fuzzer findings added by hand stay).
 * Cases too big to commit are built by {@link #atTestTime()}. The folder's {@code README.md} lists
 * every case; {@link MalformedTorchTest} runs them.
 */
public final class MalformedTorchCorpus {
  private MalformedTorchCorpus() {}

  /** Writes one case into its (existing, empty) folder. */
  @FunctionalInterface
  interface Case extends dev.neuronfit.testing.MalformedCases.Builder {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "core/src/test/resources/malformed/torch");
    for (Map.Entry<String, Case> c : committed().entrySet()) {
      c.getValue().write(Files.createDirectories(root.resolve(c.getKey())));
    }
    System.out.println("wrote " + committed().size() + " cases under " + root);
  }

  /** The file a case folder holds. */
  static Path modelIn(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
  }

  static Map<String, Case> atTestTime() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put(
        "zip-too-many-entries",
        d -> {
          RawEntry[] entries = new RawEntry[200_001];
          for (int i = 0; i < entries.length; i++) {
            entries[i] = stored("archive/data/" + i, new byte[0]);
          }
          zip(d, entries);
        });
    return m;
  }

  static Map<String, Case> committed() {
    Map<String, Case> m = new LinkedHashMap<>();
    byte[] emptyDict = bytes("\u0080\u0002}.");
    m.put(
        "zip-size-lies",
        d -> zip(d, new RawEntry("archive/data.pkl", deflate(emptyDict(200)), 200, 10, true)));
    m.put(
        "zip-bomb",
        d ->
            zip(
                d,
                new RawEntry(
                    "archive/data.pkl", deflate(new byte[4 << 20]), 4 << 20, 4 << 20, true)));
    m.put(
        "zip-entry-over-cap",
        d -> zip(d, new RawEntry("archive/data.pkl", deflate(emptyDict), 4, 300_000_000L, true)));
    m.put("zip-name-climbs", d -> storedZip(d, "../archive/data.pkl", emptyDict));
    m.put("zip-name-absolute", d -> storedZip(d, "/archive/data.pkl", emptyDict));
    m.put(
        "zip-duplicate-entry",
        d ->
            zip(
                d,
                new RawEntry("archive/data.pkl", emptyDict, 4, 4, false),
                new RawEntry("archive/data.pkl", emptyDict, 4, 4, false)));
    m.put("zip-no-model", d -> storedZip(d, "notes/readme.txt", bytes("not a model\n")));
    m.put(
        "zip-truncated",
        d -> {
          zip(d, stored("archive/data.pkl", emptyDict(400)));
          Path f = d.resolve("model.pt");
          byte[] all = Files.readAllBytes(f);
          write(d, "model.pt", java.util.Arrays.copyOf(all, all.length / 2));
        });
    m.put(
        "data-pkl-truncated",
        d -> storedZip(d, "archive/data.pkl", bytes("\u0080\u0002}(X\u0005\u0000\u0000\u0000ab")));
    m.put(
        "data-pkl-unknown-opcode",
        d -> storedZip(d, "archive/data.pkl", bytes("\u0080\u0002\u00ff")));
    m.put("bytecode-pkl-garbage", d -> script(d, "bytecode.pkl", bytes("\u0080\u0002(\u0000")));
    m.put(
        "code-unbalanced",
        d -> script(d, "code/__torch__/m.py", bytes(def("x = torch.add((a, 1)\n"))));
    m.put(
        "code-deep-brackets",
        d ->
            script(
                d,
                "code/__torch__/m.py",
                bytes(def("x = torch.neg(" + "(".repeat(500) + "a" + ")".repeat(501) + "\n"))));
    m.put(
        "code-unterminated-string",
        d -> script(d, "code/__torch__/m.py", bytes(def("x = torch.add(a, \"b)\n"))));

    m.put("pickle-unknown-opcode", d -> write(d, "model.bin", bytes("\u0080\u0002\u00ff")));
    m.put(
        "tar-storage-not-a-class",
        d ->
            tar(
                d,
                "storages",
                bytes(
                    "\u0080\u0002K\u0001.\u0080\u0002X\u0001\u0000\u0000\u0000kK\u0001K\u0005\u0087."),
                "pickle",
                emptyDict));
    m.put(
        "zip-names-differ-in-case",
        d -> zip(d, stored("archive/data.pkl", emptyDict), stored("archive/DATA.pkl", emptyDict)));
    m.put("pickle-protocol-6", d -> write(d, "model.bin", bytes("\u0080\u0006N.")));
    m.put(
        "pickle-truncated",
        d -> write(d, "model.bin", bytes("\u0080\u0002}(X\u0005\u0000\u0000\u0000wei")));
    m.put("pickle-stop-empty-stack", d -> write(d, "model.bin", bytes("\u0080\u0002.")));
    m.put("pickle-no-mark", d -> write(d, "model.bin", bytes("\u0080\u0002Nt.")));
    m.put(
        "pickle-huge-memo-index",
        d ->
            write(
                d,
                "model.bin",
                bytes("\u0080\u0002Nr\u00ff\u00ff\u00ff\u00ffj\u00fe\u00ff\u00ff\u00ff.")));
    m.put(
        "pickle-string-over-limit",
        d -> write(d, "model.bin", bytes("\u0080\u0002X\u00ff\u00ff\u00ff\u007f")));
    m.put(
        "pickle-negative-length",
        d -> write(d, "model.bin", bytes("\u0080\u0002T\u0000\u0000\u0000\u0080")));
    m.put("pickle-next-buffer", d -> write(d, "model.bin", bytes("\u0080\u0005\u0097.")));
    m.put("pickle-extension-code", d -> write(d, "model.bin", bytes("\u0080\u0002\u0082\u0001.")));
    m.put(
        "pickle-long-text-int",
        d -> write(d, "model.bin", bytes("\u0080\u0002I" + "7".repeat(5000) + "\n.")));
    m.put(
        "pickle-deep-nesting",
        d ->
            write(
                d,
                "model.bin",
                bytes("\u0080\u0002" + "]".repeat(5_000) + "a".repeat(4_999) + ".")));
    m.put(
        "pickle-tensor-size-overflow",
        d -> {
          String big = "\u008a\u0005\u0000\u0000\u0000\u0080\u0000"; // LONG1 2**31
          String t =
              "ctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storage"
                  + "ctorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0001tQ"
                  + "K\u0000("
                  + big
                  + big
                  + "t(K\u0001K\u0001t\u0089NtR";
          write(d, "model.bin", bytes("\u0080\u0002}(X\u0001\u0000\u0000\u0000a" + t + "u."));
        });
    return m;
  }

  private static String def(String statement) {
    return "def forward(self: __torch__.M,\n    a: Tensor) -> Tensor:\n  " + statement;
  }

  /** A pickle of a dict with one key of {@code n} characters: valid, and a known size. */
  private static byte[] emptyDict(int n) {
    return bytes("\u0080\u0002}X" + le4(n) + "k".repeat(n) + "Ns.");
  }

  private static String le4(int n) {
    return new String(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array(),
        StandardCharsets.ISO_8859_1);
  }

  /**
   * A TorchScript archive: a minimal data.pkl and constants.pkl (which makes torch.load hand it to
   * torch.jit.load) plus one given entry.
   */
  private static void script(Path d, String entry, byte[] content) throws IOException {
    zip(
        d,
        stored("m/data.pkl", bytes("\u0080\u0002}.")),
        stored("m/constants.pkl", bytes("\u0080\u0002).")),
        stored("m/" + entry, content));
  }

  /** A legacy tar checkpoint {@code model.bin} of the given entries (name, bytes, ...). */
  private static void tar(Path d, Object... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      for (int i = 0; i < entries.length; i += 2) {
        byte[] data = (byte[]) entries[i + 1];
        TarArchiveEntry e = new TarArchiveEntry((String) entries[i]);
        e.setSize(data.length);
        e.setModTime(0L);
        e.setUserName("");
        e.setGroupName("");
        e.setMode(0644);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
      }
    }
    write(d, "model.bin", out.toByteArray());
  }

  private static void storedZip(Path d, String name, byte[] content) throws IOException {
    zip(d, stored(name, content));
  }

  private static RawEntry stored(String name, byte[] content) {
    return new RawEntry(name, content, content.length, content.length, false);
  }

  /**
   * An entry written byte by byte, so its sizes can lie.
   *
   * @param data the stored bytes (already deflated when {@code deflated})
   * @param crcOf how many bytes the CRC covers when the data is not deflated (ignored otherwise)
   * @param declared the uncompressed size the headers declare
   */
  private record RawEntry(String name, byte[] data, long crcOf, long declared, boolean deflated) {}

  /** Writes the entries as a zip archive {@code model.pt}, with no timestamps: reproducible. */
  private static void zip(Path d, RawEntry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream cen = new ByteArrayOutputStream();
    for (RawEntry e : entries) {
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(e.data(), 0, (int) Math.min(e.crcOf(), e.data().length));
      int offset = out.size();
      ByteBuffer h = le(30 + name.length);
      h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0);
      h.putShort((short) (e.deflated() ? 8 : 0)).putInt(0).putInt((int) crc.getValue());
      h.putInt(e.data().length).putInt((int) e.declared());
      h.putShort((short) name.length).putShort((short) 0).put(name);
      out.write(h.array());
      out.write(e.data());
      ByteBuffer c = le(46 + name.length);
      c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0);
      c.putShort((short) (e.deflated() ? 8 : 0)).putInt(0).putInt((int) crc.getValue());
      c.putInt(e.data().length).putInt((int) e.declared());
      c.putShort((short) name.length).putShort((short) 0).putShort((short) 0);
      c.putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).put(name);
      cen.write(c.array());
    }
    int cenOffset = out.size();
    out.write(cen.toByteArray());
    ByteBuffer end = le(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) entries.length).putShort((short) entries.length);
    end.putInt(cen.size()).putInt(cenOffset).putShort((short) 0);
    out.write(end.array());
    write(d, "model.pt", out.toByteArray());
  }

  private static byte[] deflate(byte[] raw) {
    Deflater def = new Deflater(9, true);
    def.setInput(raw);
    def.finish();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!def.finished()) {
      b.write(buf, 0, def.deflate(buf));
    }
    def.end();
    return b.toByteArray();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void write(Path dir, String name, byte[] content) throws IOException {
    try (OutputStream o = Files.newOutputStream(dir.resolve(name))) {
      o.write(content);
    }
  }
}
