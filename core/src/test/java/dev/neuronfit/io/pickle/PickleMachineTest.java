package dev.neuronfit.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleValue.BigInt;
import dev.neuronfit.io.pickle.PickleValue.Bool;
import dev.neuronfit.io.pickle.PickleValue.Bytes;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Nil;
import dev.neuronfit.io.pickle.PickleValue.PDict;
import dev.neuronfit.io.pickle.PickleValue.PList;
import dev.neuronfit.io.pickle.PickleValue.Reduce;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.model.Hazard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PickleMachineTest {
  private static final Path FILE = Path.of("test.pkl");

  /**
   * pickle.dumps({'a': [1, 2.5, None, True, False, -5, 300, 70000], 'b': ('x', b'\x00\x01'), 'big':
   * 2**70, 's': {7}, 'fs': frozenset([3]), 'u': 'é€', 'od': OrderedDict([('k', 1)])}, protocol=N)
   * by CPython 3.11, for N = 0 to 5.
   */
  private static final String[] SAMPLES = {
    "286470300a56610a70310a286c70320a49310a6146322e350a614e614930310a614930300a61492d350a61493330300a614937303030300a617356620a70330a2856780a70340a635f636f646563730a656e636f64650a70350a28565c7530303030010a70360a566c6174696e310a70370a7470380a5270390a747031300a73566269670a7031310a4c313138303539313632303731373431313330333432344c0a7356730a7031320a635f5f6275696c74696e5f5f0a7365740a7031330a28286c7031340a49370a61747031350a527031360a735666730a7031370a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7031380a28286c7031390a49330a61747032300a527032310a7356750a7032320a56e95c75323061630a7032330a73566f640a7032340a63636f6c6c656374696f6e730a4f726465726564446963740a7032350a2874527032360a566b0a7032370a49310a73732e",
    "7d71002858010000006171015d7102284b014740040000000000004e4930310a4930300a4afbffffff4d2c014a70110100655801000000627103285801000000787104635f636f646563730a656e636f64650a71052858020000000001710658060000006c6174696e31710774710852710974710a5803000000626967710b4c313138303539313632303731373431313330333432344c0a580100000073710c635f5f6275696c74696e5f5f0a7365740a710d285d710e4b076174710f527110580200000066737111635f5f6275696c74696e5f5f0a66726f7a656e7365740a7112285d71134b036174711452711558010000007571165805000000c3a9e282ac711758020000006f64711863636f6c6c656374696f6e730a4f726465726564446963740a71192952711a58010000006b711b4b0173752e",
    "80027d71002858010000006171015d7102284b014740040000000000004e88894afbffffff4d2c014a701101006558010000006271035801000000787104635f636f646563730a656e636f64650a710558020000000001710658060000006c6174696e31710786710852710986710a5803000000626967710b8a09000000000000000040580100000073710c635f5f6275696c74696e5f5f0a7365740a710d5d710e4b076185710f527110580200000066737111635f5f6275696c74696e5f5f0a66726f7a656e7365740a71125d71134b036185711452711558010000007571165805000000c3a9e282ac711758020000006f64711863636f6c6c656374696f6e730a4f726465726564446963740a71192952711a58010000006b711b4b0173752e",
    "80037d71002858010000006171015d7102284b014740040000000000004e88894afbffffff4d2c014a701101006558010000006271035801000000787104430200017105867106580300000062696771078a090000000000000000405801000000737108636275696c74696e730a7365740a71095d710a4b076185710b52710c58020000006673710d636275696c74696e730a66726f7a656e7365740a710e5d710f4b036185711052711158010000007571125805000000c3a9e282ac711358020000006f64711463636f6c6c656374696f6e730a4f726465726564446963740a71152952711658010000006b71174b0173752e",
    "80049595000000000000007d94288c0161945d94284b014740040000000000004e88894afbffffff4d2c014a70110100658c0162948c017894430200019486948c03626967948a090000000000000000408c0173948f94284b07908c02667394284b0391948c0175948c05c3a9e282ac948c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b0173752e",
    "80059595000000000000007d94288c0161945d94284b014740040000000000004e88894afbffffff4d2c014a70110100658c0162948c017894430200019486948c03626967948a090000000000000000408c0173948f94284b07908c02667394284b0391948c0175948c05c3a9e282ac948c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b0173752e"
  };

  private PickleHazards hazards = new PickleHazards(100);

  private PickleValue read(byte[] bytes) throws IOException {
    return read(bytes, PickleLimits.from(ReadLimits.DEFAULT));
  }

  private PickleValue read(byte[] bytes, PickleLimits limits) throws IOException {
    PickleSource src = PickleSource.of(bytes, FILE, "test", limits.maxBytes());
    return new PickleMachine(src, limits, hazards, false).read();
  }

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  @ParameterizedTest(name = "protocol {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void readsPlainDataWrittenByCPythonAtEveryProtocol(int protocol) throws IOException {
    PDict d = (PDict) read(hex(SAMPLES[protocol]));

    List<PickleValue> a = ((PList) d.get("a").orElseThrow()).items();
    assertThat(a)
        .containsExactly(
            new Int(1),
            new PickleValue.Float(2.5),
            Nil.NONE,
            new Bool(true),
            new Bool(false),
            new Int(-5),
            new Int(300),
            new Int(70000));
    Tuple b = (Tuple) d.get("b").orElseThrow();
    assertThat(b.get(0)).isEqualTo(new Str("x"));
    assertThat(((Bytes) b.get(1)).data().orElseThrow()).containsExactly(0, 1);
    assertThat(d.get("big")).contains(new BigInt(BigInteger.TWO.pow(70)));
    PList s = (PList) d.get("s").orElseThrow();
    assertThat(s.isSet()).isTrue();
    assertThat(s.items()).containsExactly(new Int(7));
    assertThat(((PList) d.get("fs").orElseThrow()).items()).containsExactly(new Int(3));
    assertThat(d.get("u")).contains(new Str("é€"));
    PDict od = (PDict) d.get("od").orElseThrow();
    assertThat(od.get("k")).contains(new Int(1));
    // frozenset is plain data, but torch.load(weights_only=True) refuses it: a hazard, not code;
    // protocols 4 and 5 have a FROZENSET opcode instead of the global
    if (protocol >= 4) {
      assertThat(hazards.isEmpty()).isTrue();
      return;
    }
    assertThat(hazards.hazards())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.kind()).isEqualTo(PickleHazards.IMPORT_KIND);
              assertThat(h.detail()).endsWith("frozenset called with ([3],)");
            });
  }

  @Test
  void recordsACodeRunningGlobalWithItsArgumentsAndNeverRunsIt() throws IOException {
    byte[] p = ascii("\u0080\u0002cposix\nsystem\n(X\u0004\u0000\u0000\u0000echotR.");

    PickleValue v = read(p);

    assertThat(v).isInstanceOf(Reduce.class);
    assertThat(((Reduce) v).calls("posix.system")).isTrue();
    assertThat(hazards.hazards())
        .containsExactly(
            new Hazard("pickle-global", "posix.system called with ('echo',)", "test, byte 2"));
  }

  @Test
  void sortsGlobalsIntoDataImportsAndCode() {
    assertThat(PickleGlobals.level("torch._utils", "_rebuild_tensor_v2", false))
        .isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("torch", "HalfStorage", false))
        .isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("torch", "bfloat16", false)).isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("collections", "OrderedDict", false))
        .isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("__builtin__", "set", false))
        .isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("__torch__.torchvision.models.resnet", "ResNet", true))
        .isEqualTo(PickleGlobals.Level.DATA);
    assertThat(PickleGlobals.level("__torch__.torchvision.models.resnet", "ResNet", false))
        .isEqualTo(PickleGlobals.Level.IMPORT);
    assertThat(PickleGlobals.level("__main__", "Net", false)).isEqualTo(PickleGlobals.Level.IMPORT);
    assertThat(PickleGlobals.level("torch.nn.modules.conv", "Conv2d", false))
        .isEqualTo(PickleGlobals.Level.IMPORT);
    for (String[] g :
        new String[][] {
          {"os", "system"},
          {"posix", "system"},
          {"nt", "system"},
          {"builtins", "eval"},
          {"__builtin__", "getattr"},
          {"builtins", "exec"},
          {"subprocess", "Popen"},
          {"torch", "load"},
          {"torch.serialization", "load"},
          {"pickle", "loads"},
          {"importlib", "import_module"},
          {"runpy", "_run_code"},
          {"os.path", "join"},
          {"mylib.tools", "popen"}
        }) {
      assertThat(PickleGlobals.level(g[0], g[1], false))
          .as(g[0] + "." + g[1])
          .isEqualTo(PickleGlobals.Level.CODE);
    }
  }

  @Test
  void reportsBuildOnAModuleAsCodeBecauseItPatchesAttributes() throws IOException {
    read(ascii("\u0080\u0002cfoo\nbar\n}X\u0001\u0000\u0000\u0000aNsb0N."));

    assertThat(hazards.hazards())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.kind()).isEqualTo("pickle-global");
              assertThat(h.detail()).isEqualTo("foo.bar has its attributes set by BUILD");
            });
  }

  @Test
  void listsAWholeModelsClassesAsImportsOnce() throws IOException {
    // __main__.Net via NEWOBJ twice (memoized), then BUILD with a state dict
    read(ascii("\u0080\u0002c__main__\nNet\nq\u0000)\u0081}bh\u0000)\u0081."));

    assertThat(hazards.hazards())
        .containsExactly(
            new Hazard("pickle-import", "__main__.Net called with ()", "test, byte 2"));
  }

  @Test
  void scansPicklesNestedInLoadFromBytes() throws IOException {
    byte[] inner = ascii("\u0080\u0002cos\nsystem\n(X\u0001\u0000\u0000\u0000xtR.");
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(ascii("\u0080\u0002ctorch.storage\n_load_from_bytes\nC"));
    p.write(inner.length);
    p.writeBytes(inner);
    p.writeBytes(ascii("\u0085R."));

    read(p.toByteArray());

    assertThat(hazards.hazards()).extracting(Hazard::kind).containsOnly(PickleHazards.CODE_KIND);
    assertThat(hazards.hazards())
        .anySatisfy(h -> assertThat(h.detail()).startsWith("torch.storage._load_from_bytes"))
        .anySatisfy(
            h -> {
              assertThat(h.detail()).startsWith("os.system");
              assertThat(h.place()).contains("nested pickle");
            });
  }

  @Test
  void acceptsHugeMemoIndicesWithoutAllocatingForThem() throws IOException {
    assertThat(read(hex("80024e72ffffffff6affffffff2e"))).isEqualTo(Nil.NONE);
  }

  @Test
  void readsDeepNestingWithoutRecursion() throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(hex("80024e"));
    for (int i = 0; i < 200_000; i++) {
      p.write(0x85); // TUPLE1
    }
    p.write('.');

    assertThat(read(p.toByteArray())).isInstanceOf(Tuple.class);
  }

  @Test
  void refusesWhatARealUnpicklerWouldRefuse() {
    String[][] cases = {
      {"8002ff", "unknown opcode 0xff"},
      {"80024e", "truncated"},
      {"80022e", "STOP with an empty stack"},
      {"8002742e", "no MARK"},
      {"8006", "unsupported pickle protocol 6"},
      {"800597", "NEXT_BUFFER"},
      {"8002820100", "extension code 1"},
      {"8002680500", "memo index 5 was never stored"},
      {"80024b01612e", "stack underflow"},
      {"80024b014b0261", "APPEND to an int"},
      {"80027d4b0175", "no MARK"},
      {"80027d284b01752e", "odd number of items"},
      {"800258ffffff7f", "over the limit"},
      {"8002540000008000", "negative length"},
      {"80024b014b02522e", "not callable"}
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(hex(c[0])))
          .as(c[0])
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessageContaining(c[1])
          .hasMessageContaining("test.pkl: test, byte");
    }
  }

  @Test
  void refusesIntegersWithMoreDigitsThanPythonConverts() {
    byte[] p = ascii("I" + "9".repeat(5000) + "\n.");

    assertThatThrownBy(() -> read(p)).hasMessageContaining("5000 digits, over the limit of 4300");
  }

  @Test
  void boundsOpcodesStackMemoAndStringLengths() {
    PickleLimits small = new PickleLimits(1 << 20, 100, 10, 5, 8, 10, 10, 1000);
    assertThatThrownBy(() -> read(repeat("N0", 60, "N."), small))
        .hasMessageContaining("more than 100 opcodes");
    assertThatThrownBy(() -> read(repeat("N", 11, "."), small))
        .hasMessageContaining("more than 10 values on the stack");
    assertThatThrownBy(() -> read(hex("80024e71007101710271037104710571062e"), small))
        .hasMessageContaining("more than 5 memo entries");
    assertThatThrownBy(() -> read(hex("80028c09616161616161616161"), small))
        .hasMessageContaining("over the limit of 8");
    assertThatThrownBy(() -> read(hex("80024200002000"), small))
        .hasMessageContaining("longer than the limit");
  }

  @Test
  void countsValuesAgainstAnObjectBudget() {
    // a list of empty dicts, two bytes each: within the opcode limit, the values fill the heap
    PickleLimits small = new PickleLimits(1 << 20, 1000, 10, 5, 8, 10, 10, 50);
    assertThatThrownBy(() -> read(ascii("]" + "}a".repeat(60) + "."), small))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 50 values built");
  }

  @Test
  void theDefaultObjectBudgetCoversLargeCheckpoints() {
    // about 30 values per stored tensor: room for a 30,000-tensor pickle (a full training
    // checkpoint of a model with 10,000 parameter tensors and two optimizer states for each)
    assertThat(PickleLimits.from(ReadLimits.DEFAULT).maxObjects())
        .isGreaterThanOrEqualTo(30_000L * 30);
  }

  @Test
  void skipsLongBytesValuesButKeepsTheirLength() throws IOException {
    PickleLimits small = new PickleLimits(1 << 20, 100, 10, 5, 8, 10, 10, 1000);
    byte[] p = hex("800243" + "10" + "00".repeat(16) + "2e");

    Bytes b = (Bytes) read(p, small);

    assertThat(b.length()).isEqualTo(16);
    assertThat(b.data()).isEmpty();
  }

  private static byte[] repeat(String unit, int n, String end) {
    return ascii(unit.repeat(n) + end);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
