package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How check treats arguments that are not local paths (the Hub itself is tested in core). */
class HubArgumentsTest {
  @TempDir Path tmp;

  private MainTest.Run check(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine();
    ((CheckCommand) cl.getSubcommands().get("check").getCommand()).environment = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "check";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cl.execute(all);
    return new MainTest.Run(code, out.toString(), err.toString());
  }

  private Map<String, String> offline() {
    return Map.of(
        "HF_HUB_OFFLINE", "1",
        "HF_HOME", tmp.resolve("hf").toString(),
        "XDG_CACHE_HOME", tmp.resolve("xdg").toString());
  }

  @Test
  void anIdThatIsNotCachedOfflineIsOneLineAndExitThree() {
    MainTest.Run r = check(offline(), "meta-llama/Llama-3.1-8B");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().lines()).singleElement().asString().contains("HF_HUB_OFFLINE");
  }

  @Test
  void anArgumentThatIsNeitherSaysWhatWasTried() {
    MainTest.Run r = check(offline(), "no such/model");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .contains("no such file or folder")
        .contains("not a Hugging Face model id")
        .contains("ORG/NAME@REVISION");
  }

  @Test
  void aModelInTheHuggingFaceCacheIsCheckedOfflineByItsId() throws Exception {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    Path repo = tmp.resolve("hf/hub/models--openai-community--gpt2");
    Files.createDirectories(repo.resolve("refs"));
    Files.createDirectories(repo.resolve("snapshots").resolve(commit));
    Files.writeString(repo.resolve("refs/main"), commit);
    Path examples = Path.of(System.getProperty("neuronfit.root", "..")).resolve("examples");
    Files.copy(
        examples.resolve("gpt2/config.json"),
        repo.resolve("snapshots").resolve(commit).resolve("config.json"));
    MainTest.Run r = check(offline(), "--format", "json", "hf://openai-community/gpt2");
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("\"openai-community/gpt2@0123456\"");
  }
}
