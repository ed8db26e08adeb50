package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code scan} of Hub ids: ids among the arguments, {@code --ids FILE}, a row per id that cannot be
 * had, and JSON Lines output resumed after an interrupted scan. The Hub is offline here (models
 * come from a Hugging Face cache laid out in a temporary folder); the network path is tested in
 * core against the loopback Hub.
 */
class ScanIdsTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;

  private Map<String, String> env;

  @BeforeEach
  void cache() throws Exception {
    env =
        Map.of(
            "HF_HUB_OFFLINE", "1",
            "HF_HOME", tmp.resolve("hf").toString(),
            "XDG_CACHE_HOME", tmp.resolve("xdg").toString());
    for (String[] m :
        new String[][] {
          {"openai-community--gpt2", "gpt2"}, {"google-bert--bert", "bert-base-uncased"}
        }) {
      Path repo = tmp.resolve("hf/hub/models--" + m[0]);
      Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
      Files.createDirectories(repo.resolve("refs"));
      Files.writeString(repo.resolve("refs/main"), COMMIT);
      Files.copy(
          ROOT.resolve("examples").resolve(m[1]).resolve("config.json"),
          snap.resolve("config.json"));
    }
  }

  private MainTest.Run scan(String... args) {
    CommandLine cl = Main.commandLine();
    ((ScanCommand) cl.getSubcommands().get("scan").getCommand()).environment = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "scan";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cl.execute(all);
    List<String> list = List.of(args);
    int f = list.indexOf("--format");
    if (f >= 0 && code != ExitCodes.USAGE) {
      OutputSchemas.check(list.get(f + 1), out.toString());
    }
    return new MainTest.Run(code, out.toString(), err.toString());
  }

  private Path ids(String text) throws Exception {
    return Files.writeString(tmp.resolve("ids.txt"), text);
  }

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void idsFileGivesOneRowPerIdAndAFailingIdIsARowWithItsError() throws Exception {
    Path file =
        ids(
            "# models to check\n"
                + "openai-community/gpt2\n"
                + "\n"
                + "   google-bert/bert   # trailing comment\n"
                + "nobody/not-cached\n"
                + "not an id\n"
                + "openai-community/gpt2\n");

    MainTest.Run r = scan("--ids", file.toString(), "--target", "inf2", "--progress", "never");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    List<String> rows = r.out().lines().toList();
    assertThat(rows.stream().filter(l -> l.startsWith("openai-community/gpt2@0123456"))).hasSize(1);
    assertThat(rows.stream().filter(l -> l.startsWith("google-bert/bert@0123456"))).hasSize(1);
    assertThat(r.out())
        .contains("nobody/not-cached")
        .contains("HF_HUB_OFFLINE")
        .contains("not an id")
        .contains("not a Hugging Face model id")
        .contains("4 models: 2 read, 2 could not be read");
    assertThat(r.err()).contains("2 of 4 models could not be read");
  }

  @Test
  void idsAmongTheArgumentsAreScannedBesideLocalPaths() throws Exception {
    MainTest.Run r =
        scan(
            "--format",
            "json",
            ROOT.resolve("examples/gpt2").toString(),
            "hf://openai-community/gpt2",
            "--progress",
            "never");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    JsonNode models = JSON.readTree(r.out()).get("models");
    assertThat(models).hasSize(2);
    assertThat(models.get(1).get("model").get("path").asText())
        .isEqualTo("openai-community/gpt2@0123456");
  }

  @Test
  void jsonLinesHoldOneObjectPerIdFollowingTheSchema() throws Exception {
    Path file = ids("openai-community/gpt2\nnobody/not-cached\n");

    MainTest.Run r = scan("--ids", file.toString(), "--format", "jsonl", "--progress", "never");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    List<JsonNode> lines = lines(r.out());
    assertThat(lines)
        .extracting(l -> l.get("input").asText())
        .containsExactly("openai-community/gpt2", "nobody/not-cached");
    assertThat(lines.get(0).get("models").get(0).get("model").get("path").asText())
        .isEqualTo("openai-community/gpt2@0123456");
    assertThat(lines.get(1).get("models").get(0).get("error").asText()).contains("HF_HUB_OFFLINE");
  }

  @Test
  void aRerunWithTheSameOutputSkipsIdsDoneAndRedoesACutLastLine() throws Exception {
    Path file = ids("openai-community/gpt2\ngoogle-bert/bert\nnobody/not-cached\n");
    Path out = tmp.resolve("scan.jsonl");
    MainTest.Run first =
        scan("--ids", file.toString(), "--format", "jsonl", "-o", out.toString(), "-q");
    assertThat(first.code()).isEqualTo(ExitCodes.OK);
    List<String> all = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(all).hasSize(3);
    for (String line : all) {
      OutputSchemas.check("json", line);
    }
    // as if the scan had been stopped while writing its second line
    Files.writeString(out, all.get(0) + "\n" + all.get(1).substring(0, all.get(1).length() / 2));

    MainTest.Run again =
        scan(
            "--ids",
            file.toString(),
            "--format",
            "jsonl",
            "-o",
            out.toString(),
            "--progress",
            "never");

    assertThat(again.code()).isEqualTo(ExitCodes.OK);
    assertThat(again.err()).contains("1 input(s) done already");
    List<JsonNode> lines = lines(Files.readString(out));
    assertThat(lines)
        .extracting(l -> l.get("input").asText())
        .containsExactly("openai-community/gpt2", "google-bert/bert", "nobody/not-cached");
    assertThat(Files.readAllLines(out).get(1)).isEqualTo(all.get(1));

    MainTest.Run third =
        scan("--ids", file.toString(), "--format", "jsonl", "-o", out.toString(), "-q");
    assertThat(third.code()).isEqualTo(ExitCodes.OK);
    assertThat(Files.readAllLines(out)).hasSize(3);
  }

  @Test
  void aFileThatIsNotNeuronfitJsonLinesIsNeverAppendedTo() throws Exception {
    Path file = ids("openai-community/gpt2\n");
    Path out = Files.writeString(tmp.resolve("notes.txt"), "my notes\nkeep them\n");

    MainTest.Run r = scan("--ids", file.toString(), "--format", "jsonl", "-o", out.toString());

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines()).singleElement().asString().contains("line 1").contains("notes.txt");
    assertThat(Files.readString(out)).isEqualTo("my notes\nkeep them\n");
  }

  @Test
  void noPathNoIdIsAUsageError() {
    MainTest.Run r = scan();
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--ids FILE");
  }

  @Test
  void aMissingIdsFileIsAUsageError() {
    MainTest.Run r = scan("--ids", tmp.resolve("none.txt").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("none.txt");
  }
}
