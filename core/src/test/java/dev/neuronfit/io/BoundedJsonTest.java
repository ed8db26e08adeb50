package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedJsonTest {
  private static final Path SHOWN = Path.of("model/config.json");

  @TempDir Path dir;

  private final BoundedJson json = new BoundedJson(ReadLimits.DEFAULT);

  private static ReadLimits limits(long maxFileBytes, int maxDepth, int maxStringChars) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(
        maxFileBytes,
        d.maxSafetensorsHeaderBytes(),
        d.maxTensors(),
        d.maxWeightFiles(),
        maxDepth,
        maxStringChars,
        d.maxSearchDepth(),
        d.maxModelsFound(),
        d.maxNotes(),
        d.maxGraphNodes(),
        d.maxGraphDepth(),
        d.maxConstantElements(),
        d.maxZipEntries(),
        d.maxZipEntryBytes(),
        d.maxCompressionRatio());
  }

  private JsonNode parse(String text) throws ModelFormatException {
    return json.parseObject(text.getBytes(StandardCharsets.UTF_8), SHOWN, "");
  }

  @Test
  void readsAnObject() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"hidden_size\": 768, \"architectures\": [\"BertModel\"]}");

    JsonNode node = json.readObjectFile(file, SHOWN);

    assertThat(node.get("hidden_size").asInt()).isEqualTo(768);
    assertThat(node.get("architectures").get(0).asText()).isEqualTo("BertModel");
  }

  @Test
  void acceptsPythonsNonNumbers() throws ModelFormatException {
    JsonNode node = parse("{\"a\": NaN, \"b\": Infinity, \"c\": -Infinity}");

    assertThat(node.get("a").asDouble()).isNaN();
    assertThat(node.get("b").asDouble()).isInfinite();
  }

  @Test
  void refusesDuplicateKeysNamingTheKey() {
    assertThatThrownBy(() -> parse("{\"a\": 1,\n \"a\": 2}"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(SHOWN + ": line 2")
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    BoundedJson shallow = new BoundedJson(limits(1 << 20, 3, 100));
    byte[] ok = "{\"a\": [[1]]}".getBytes(StandardCharsets.UTF_8);
    byte[] deep = "{\"a\": [[[1]]]}".getBytes(StandardCharsets.UTF_8);

    assertThatCode(() -> shallow.parseObject(ok, SHOWN, "")).doesNotThrowAnyException();
    assertThatThrownBy(() -> shallow.parseObject(deep, SHOWN, ""))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("depth");
    assertThatThrownBy(() -> parse("{\"a\": " + "[".repeat(10_000)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("depth");
  }

  @Test
  void refusesStringsAndKeysLongerThanTheLimit() {
    BoundedJson small = new BoundedJson(limits(1 << 20, 10, 8));
    byte[] longValue = "{\"a\": \"123456789\"}".getBytes(StandardCharsets.UTF_8);
    byte[] longKey = "{\"123456789\": 1}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> small.parseObject(longValue, SHOWN, ""))
        .isInstanceOf(ModelFormatException.class);
    assertThatThrownBy(() -> small.parseObject(longKey, SHOWN, ""))
        .isInstanceOf(ModelFormatException.class);
  }

  @Test
  void refusesOverlongNumbers() {
    assertThatThrownBy(() -> parse("{\"a\": " + "9".repeat(5_000) + "}"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void refusesAFileOverTheSizeLimitBeforeReadingIt() throws IOException {
    Path file = dir.resolve("config.json");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(40L << 20); // sparse: costs no disk
    }

    assertThatThrownBy(() -> json.readObjectFile(file, SHOWN))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(SHOWN.toString())
        .hasMessageContaining("41943040 bytes is over the limit of 33554432");
  }

  @Test
  void smallLimitAppliesToo() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"a\": \"0123456789\"}");

    assertThatThrownBy(() -> new BoundedJson(limits(10, 10, 100)).readObjectFile(file, SHOWN))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("over the limit of 10");
  }

  @Test
  void missingFileIsAFormatError() {
    assertThatThrownBy(() -> json.readObjectFile(dir.resolve("nope.json"), SHOWN))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(SHOWN + ": file not found");
  }

  @Test
  void refusesWhatIsNotAnObject() {
    assertThatThrownBy(() -> parse("[1, 2]")).hasMessageEndingWith("found an array");
    assertThatThrownBy(() -> parse("\"llama\"")).hasMessageEndingWith("found a string");
    assertThatThrownBy(() -> parse("42")).hasMessageEndingWith("found a number");
    assertThatThrownBy(() -> parse("true")).hasMessageEndingWith("found a boolean");
    assertThatThrownBy(() -> parse("null")).hasMessageEndingWith("found null");
  }

  @Test
  void refusesEmptyAndBlankInput() {
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("empty file");
    assertThatThrownBy(() -> parse("  \n "))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("empty file");
  }

  @Test
  void refusesTruncatedJsonWithItsPosition() {
    assertThatThrownBy(() -> parse("{\"model_type\": \"llama\",\n \"hidden_size\": 40"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(SHOWN + ": line 2")
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("\n");
  }

  @Test
  void refusesDataAfterTheObjectNamingTheFileOnce() {
    assertThatThrownBy(() -> parse("{} {}"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(SHOWN + ": line 1, column ")
        .hasMessageEndingWith(": unexpected data after the JSON value")
        .hasMessageNotContaining("not valid JSON");
    assertThatThrownBy(() -> parse("{} x"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void refusesInvalidUtf8() {
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    assertThatThrownBy(() -> json.parseObject(bad, SHOWN, "header"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(SHOWN + ": header, line 1");
  }

  @Test
  void placeComesBeforeThePosition() {
    byte[] bad = "{\"a\" 1}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> json.parseObject(bad, SHOWN, "header"))
        .hasMessageStartingWith(SHOWN + ": header, line 1, column");
  }

  private List<String> visit(String text) throws ModelFormatException {
    List<String> seen = new ArrayList<>();
    json.forEachField(
        text.getBytes(StandardCharsets.UTF_8), SHOWN, "header", (k, v) -> seen.add(k + "=" + v));
    return seen;
  }

  @Test
  void forEachFieldVisitsTopLevelEntriesInOrder() throws ModelFormatException {
    assertThat(visit("{\"b\": {\"x\": [1]}, \"a\": null, \"c\": \"s\"}   "))
        .containsExactly("b={\"x\":[1]}", "a=null", "c=\"s\"");
    assertThat(visit("{}")).isEmpty();
  }

  @Test
  void forEachFieldStopsAtTheFirstRefusedEntry() {
    List<String> seen = new ArrayList<>();
    byte[] bytes = "{\"a\": 1, \"b\": 2, \"c\": ".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                json.forEachField(
                    bytes,
                    SHOWN,
                    "header",
                    (k, v) -> {
                      seen.add(k);
                      if (k.equals("b")) {
                        throw new ModelFormatException(SHOWN, "key b", "refused");
                      }
                    }))
        .hasMessage(SHOWN + ": key b: refused");
    assertThat(seen).containsExactly("a", "b");
  }

  @Test
  void forEachFieldRefusesWhatParseObjectRefuses() {
    assertThatThrownBy(() -> visit("")).hasMessageContaining("empty file");
    assertThatThrownBy(() -> visit("[1]"))
        .hasMessageEndingWith("header: expected a JSON object, found an array");
    assertThatThrownBy(() -> visit("\"x\"")).hasMessageEndingWith("found a string");
    assertThatThrownBy(() -> visit("7")).hasMessageEndingWith("found a number");
    assertThatThrownBy(() -> visit("false")).hasMessageEndingWith("found a boolean");
    assertThatThrownBy(() -> visit("null")).hasMessageEndingWith("found null");
    assertThatThrownBy(() -> visit("{\"a\": 1} {}")).hasMessageContaining("unexpected data after");
    assertThatThrownBy(() -> visit("{\"a\": 1, \"a\": 2}")).hasMessageContaining("Duplicate field");
    assertThatThrownBy(
            () ->
                visit(
                    "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["))
        .hasMessageContaining("depth");
    assertThatThrownBy(() -> visit("{\"a\": 1")).hasMessageStartingWith(SHOWN + ": header, line 1");
  }

  @Test
  void namesJsonKinds() {
    JsonNodeFactory f = JsonNodeFactory.instance;

    assertThat(BoundedJson.kind(f.objectNode())).isEqualTo("an object");
    assertThat(BoundedJson.kind(f.arrayNode())).isEqualTo("an array");
    assertThat(BoundedJson.kind(f.textNode("x"))).isEqualTo("a string");
    assertThat(BoundedJson.kind(f.numberNode(1))).isEqualTo("a number");
    assertThat(BoundedJson.kind(f.booleanNode(true))).isEqualTo("a boolean");
    assertThat(BoundedJson.kind(f.nullNode())).isEqualTo("null");
    assertThat(BoundedJson.kind(f.binaryNode(new byte[1]))).isEqualTo("a binary");
  }
}
