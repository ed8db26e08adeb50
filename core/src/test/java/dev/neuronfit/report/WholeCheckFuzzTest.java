package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.config.ConfigNumbers;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * The whole check on fuzzed Hugging Face configs: a model type from the catalogue (or a diffusers
 * class) with fuzzed size keys (0, negatives, 2^62, 3e9, fractions, arrays), read by {@link
 * HfReader}, classified, estimated and checked by {@link Inspector}, then rendered by every report
 * and scan renderer. The only exception allowed is a {@link ModelFormatException} from reading; the
 * JSON report may hold no non-finite and no negative figure.
 *
 * <p>Plain {@code mvn test} runs the inputs in {@code
 * src/test/resources/dev/neuronfit/report/WholeCheckFuzzTestInputs/checksAnyConfigNumbers/}. To
 * fuzz for real: {@code JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=WholeCheckFuzzTest} (for
 * {@code maxDuration}; raise it locally for a longer run).
 */
class WholeCheckFuzzTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Edition EDITION = KB.defaultEdition();
  private static final List<Target> TARGETS = EDITION.targets();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> MODEL_TYPES =
      KB.catalogue().entries().stream()
          .filter(e -> e.kind() == HfCatalogue.Kind.MODEL_TYPE)
          .map(HfCatalogue.Entry::name)
          .toList();
  private static final List<String> KEYS = ConfigNumbers.keys();
  private static final List<String> CLASSES =
      List.of("UNet2DConditionModel", "AutoencoderKL", "SomethingElse");
  private static final List<String> ARCHITECTURES =
      List.of(
          "X",
          "XForCausalLM",
          "XForMaskedLM",
          "XForImageClassification",
          "XForMaskedImageModeling",
          "XForConditionalGeneration");
  private static final long[] SPECIAL = {
    0,
    -1,
    -32000,
    1,
    2,
    3,
    7,
    64,
    768,
    3_000_000_000L,
    1L << 31,
    1L << 62,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    Integer.MAX_VALUE
  };

  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @FuzzTest(maxDuration = "20s")
  void checksAnyConfigNumbers(FuzzedDataProvider data) throws IOException {
    ObjectNode config = config(data, true);
    if (data.consumeBoolean()) {
      config.set("text_config", config(data, false));
    }
    WorkloadOptions opts = options(data);
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), config.toString());
    ModelProfile profile;
    try {
      profile = new HfReader().read(model, ReadLimits.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return;
    }
    Report report = INSPECTOR.report(profile, EDITION, Selection.ALL, opts, KB.hardware());
    renderAll(report);
  }

  private static ObjectNode config(FuzzedDataProvider data, boolean top) {
    ObjectNode c = JSON.createObjectNode();
    if (top && data.consumeInt(0, 7) == 0) {
      c.put("_class_name", CLASSES.get(data.consumeInt(0, CLASSES.size() - 1)));
      ArrayNode down = c.putArray("down_block_types");
      ArrayNode up = c.putArray("up_block_types");
      int n = data.consumeInt(0, 5);
      for (int i = 0; i < n; i++) {
        down.add(data.consumeBoolean() ? "CrossAttnDownBlock2D" : "DownBlock2D");
        up.add(data.consumeBoolean() ? "CrossAttnUpBlock2D" : "UpBlock2D");
      }
    } else {
      c.put("model_type", MODEL_TYPES.get(data.consumeInt(0, MODEL_TYPES.size() - 1)));
      c.putArray("architectures")
          .add(ARCHITECTURES.get(data.consumeInt(0, ARCHITECTURES.size() - 1)));
    }
    for (String flag : List.of("tie_word_embeddings", "multi_query", "attention_bias")) {
      if (data.consumeBoolean()) {
        c.put(flag, data.consumeBoolean());
      }
    }
    if (data.consumeBoolean()) {
      c.put("num_key_value_heads", number(data));
    }
    int keys = data.consumeInt(0, 24);
    for (int i = 0; i < keys; i++) {
      String key = KEYS.get(data.consumeInt(0, KEYS.size() - 1));
      switch (data.consumeInt(0, 5)) {
        case 0 -> {
          ArrayNode a = c.putArray(key);
          int n = data.consumeInt(0, 6);
          for (int j = 0; j < n; j++) {
            a.add(number(data));
          }
        }
        case 1 -> c.put(key, data.consumeRegularDouble());
        case 2 -> c.put(key, new BigInteger(Long.toString(number(data))).shiftLeft(64));
        default -> c.put(key, number(data));
      }
    }
    if (data.consumeBoolean()) {
      ObjectNode labels = c.putObject("id2label");
      int n = data.consumeInt(0, 4);
      for (int i = 0; i < n; i++) {
        labels.put(Integer.toString(i), "l" + i);
      }
    }
    if (data.consumeBoolean()) {
      c.put("torch_dtype", data.pickValue(List.of("float16", "bfloat16", "float32", "int8", "x")));
    }
    return c;
  }

  private static long number(FuzzedDataProvider data) {
    return data.consumeBoolean()
        ? SPECIAL[data.consumeInt(0, SPECIAL.length - 1)]
        : data.consumeBoolean() ? data.consumeLong(-4096, 1 << 20) : data.consumeLong();
  }

  private static WorkloadOptions options(FuzzedDataProvider data) {
    return new WorkloadOptions(
        data.consumeBoolean()
            ? OptionalInt.of(data.consumeInt(1, WorkloadOptions.MAX_BATCH))
            : OptionalInt.empty(),
        data.consumeBoolean()
            ? OptionalInt.of(data.consumeInt(1, WorkloadOptions.MAX_SEQUENCE_LENGTH))
            : OptionalInt.empty(),
        data.consumeBoolean()
            ? OptionalInt.of(data.consumeInt(1, WorkloadOptions.MAX_IMAGE_SIZE))
            : OptionalInt.empty(),
        data.consumeBoolean()
            ? Optional.of(data.pickValue(List.of(DType.BF16, DType.F16, DType.F32, DType.I8)))
            : Optional.empty(),
        data.consumeBoolean()
            ? data.consumeRegularDouble(WorkloadOptions.MIN_EFFICIENCY, 1.0)
            : 1.0);
  }

  /** Every report and scan renderer; the JSON report is parsed and its figures checked. */
  static void renderAll(Report report) throws IOException {
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(report), text);
    new MarkdownRenderer().reports(List.of(report), new StringWriter());
    new HtmlRenderer().reports(List.of(report), new StringWriter());
    StringWriter json = new StringWriter();
    new JsonRenderer().reports(List.of(report), json);
    assertFiguresFiniteAndNotNegative(JSON.readTree(json.toString()), "$");
    assertThat(text.toString()).doesNotContain("Infinity", "NaN");

    ScanRow row = ScanRow.of(report.model().path(), report);
    StringWriter scanJson = new StringWriter();
    List<ScanRenderer> scans =
        List.of(
            new ScanTextRenderer(new StringWriter(), Style.PLAIN, EDITION, TARGETS, "fuzz"),
            new ScanMarkdownRenderer(new StringWriter(), EDITION, TARGETS, "fuzz"),
            new ScanCsvRenderer(new StringWriter(), TARGETS),
            new ScanJsonRenderer(scanJson, EDITION, "fuzz"),
            new ScanHtmlRenderer(
                new StringWriter(), new MemoryScratch(), EDITION, TARGETS, "fuzz"));
    for (ScanRenderer r : scans) {
      ScanSummary.Tally tally = new ScanSummary.Tally(TARGETS.stream().map(Target::id).toList());
      r.begin();
      r.row(row, Optional.of(report));
      tally.add(row);
      r.end(tally.summary());
    }
    assertFiguresFiniteAndNotNegative(JSON.readTree(scanJson.toString()), "$");
  }

  private static void assertFiguresFiniteAndNotNegative(JsonNode node, String at) {
    if (node.isNumber()) {
      assertThat(Double.isFinite(node.asDouble())).as(at + " = " + node).isTrue();
      assertThat(node.asDouble()).as(at).isGreaterThanOrEqualTo(0);
    } else if (node.isTextual()) {
      assertThat(node.asText()).as(at).doesNotContain("Infinity", "NaN");
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        assertFiguresFiniteAndNotNegative(e.getValue(), at + "." + e.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        assertFiguresFiniteAndNotNegative(node.get(i), at + "[" + i + "]");
      }
    }
  }

  /** Linux's {@code /dev/shm} where it is writable: each run writes a config.json. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-fuzz")
          : Files.createTempDirectory("neuronfit-fuzz");
    }
  }

  /** The scan HTML renderer's scratch space, in memory. */
  private static final class MemoryScratch implements ScanHtmlRenderer.Scratch {
    private final StringWriter text = new StringWriter();

    @Override
    public Writer writer() {
      return text;
    }

    @Override
    public Reader reader() {
      return new StringReader(text.toString());
    }

    @Override
    public void close() {}
  }
}
