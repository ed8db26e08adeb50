package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/ci.md: its GitHub Actions workflow and GitLab CI job parse as YAML, the workflow uploads the
 * SARIF file its check writes, and every neuronfit command line in them is one neuronfit accepts.
 */
class CiDocsTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final Pattern YAML_BLOCK = Pattern.compile("(?s)```yaml\n(.*?)```");
  private static final Pattern SARIF_OUT =
      Pattern.compile("neuronfit\\.jar check --format sarif .*> (\\S+)");
  private static final YAMLMapper YAML = new YAMLMapper();

  private static List<JsonNode> yamlBlocks() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/ci.md"), StandardCharsets.UTF_8);
    List<JsonNode> blocks = new ArrayList<>();
    Matcher m = YAML_BLOCK.matcher(doc);
    while (m.find()) {
      blocks.add(YAML.readTree(m.group(1)));
    }
    return blocks;
  }

  private static JsonNode githubWorkflow() throws IOException {
    return yamlBlocks().stream().filter(b -> b.has("jobs")).findFirst().orElseThrow();
  }

  private static JsonNode gitlabJob() throws IOException {
    return yamlBlocks().stream()
        .filter(b -> !b.has("jobs"))
        .map(b -> b.get("neuronfit"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theWorkflowUploadsTheSarifFileItsCheckWrites() throws IOException {
    JsonNode workflow = githubWorkflow();
    assertThat(workflow.at("/permissions/security-events").asText()).isEqualTo("write");
    JsonNode steps = workflow.at("/jobs/fit/steps");
    assertThat(steps.isArray()).isTrue();

    String written = null;
    JsonNode upload = null;
    for (JsonNode step : steps) {
      Matcher m = SARIF_OUT.matcher(step.path("run").asText());
      if (m.find()) {
        written = m.group(1);
      }
      if (step.path("uses").asText().startsWith("github/codeql-action/upload-sarif@")) {
        assertThat(written).as("the check runs before the upload").isNotNull();
        upload = step;
      }
    }
    assertThat(upload).as("a github/codeql-action/upload-sarif step").isNotNull();
    assertThat(upload.at("/with/sarif_file").asText()).isEqualTo(written);
    // the upload runs after a check that failed the policy, whose log is complete
    assertThat(upload.get("if").asText()).contains("always()");
  }

  @Test
  void theWorkflowCachesTheHubCache() throws IOException {
    JsonNode workflow = githubWorkflow();
    String xdg = workflow.at("/env/XDG_CACHE_HOME").asText();
    assertThat(xdg).isNotEmpty();
    boolean cached = false;
    for (JsonNode step : workflow.at("/jobs/fit/steps")) {
      if (step.path("uses").asText().startsWith("actions/cache@")) {
        // neuronfit's own cache of Hub files (HubSettings: $XDG_CACHE_HOME/neuronfit/hub)
        cached |= step.at("/with/path").asText().equals("${{ env.XDG_CACHE_HOME }}/neuronfit");
      }
    }
    assertThat(cached).isTrue();
    assertThat(gitlabJob().at("/cache/paths/0").asText()).isEqualTo(".hf/hub");
    assertThat(gitlabJob().at("/variables/HF_HOME").asText()).endsWith("/.hf");
  }

  @Test
  void theGitlabJobKeepsItsReports() throws IOException {
    JsonNode job = gitlabJob();
    List<String> artifacts = new ArrayList<>();
    job.at("/artifacts/paths").forEach(p -> artifacts.add(p.asText()));
    assertThat(artifacts).contains("neuronfit.sarif", "neuronfit.json");
    assertThat(job.at("/artifacts/when").asText()).isEqualTo("always");
  }

  @Test
  void everyNeuronfitCommandLineInThemIsAccepted() throws IOException {
    List<String> lines = new ArrayList<>();
    for (JsonNode step : githubWorkflow().at("/jobs/fit/steps")) {
      step.path("run").asText().lines().forEach(lines::add);
    }
    gitlabJob().get("script").forEach(s -> lines.add(s.asText()));
    List<List<String>> commands = new ArrayList<>();
    for (String line : lines) {
      int jar = line.indexOf("neuronfit.jar ");
      if (jar >= 0) {
        commands.add(arguments(line.substring(jar + "neuronfit.jar ".length())));
      }
    }
    assertThat(commands).hasSizeGreaterThanOrEqualTo(5);
    for (List<String> args : commands) {
      // picocli's own parser: an unknown option or a bad --fail-on or --format value throws
      Main.commandLine().parseArgs(args.toArray(String[]::new));
      int failOn = args.indexOf("--fail-on");
      if (failOn >= 0) {
        assertThat(FailOn.parse(args.get(failOn + 1))).as(String.join(" ", args)).isPresent();
      }
    }
  }

  /** The arguments of a shell command line up to a redirection or operator; variables as paths. */
  private static List<String> arguments(String command) {
    List<String> out = new ArrayList<>();
    for (String token : command.trim().split("\\s+")) {
      if (token.equals(">") || token.equals("||") || token.equals("|") || token.equals("&&")) {
        break;
      }
      out.add(token.replace("\"${models[@]}\"", "models/a").replace("\"", ""));
    }
    return out;
  }
}
