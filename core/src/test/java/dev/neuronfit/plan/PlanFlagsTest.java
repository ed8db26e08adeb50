package dev.neuronfit.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.kb.PlanFlags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No plan writes a flag that kb/plan-flags.json does not list for its tool: the options of each
 * command line, the keys of a JSON option, the environment variables, the compiler options in
 * scripts and the keyword arguments of every Python call, read back from the rendered output.
 */
class PlanFlagsTest {
  private static final PlanFlags DATA = PlanTest.KB.planFlags();
  private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\(");
  private static final Pattern KEYWORD = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)");
  private static final Pattern OPTION_LITERAL = Pattern.compile("\"(--[A-Za-z0-9_-]+)\"");
  private static final Pattern ENVIRON = Pattern.compile("os\\.environ\\[\"([A-Z0-9_]+)\"\\]");

  @Test
  void everyFlagOfEveryPlanIsListedForItsTool() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, PlanOutcome> e : PlanTest.outcomes().entrySet()) {
      Optional<Plan> p = e.getValue().plan();
      if (p.isEmpty()) {
        continue;
      }
      List<String> found = problems(p.get());
      found.forEach(f -> problems.add(e.getKey() + ": " + f));
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
    assertThat(problems).isEmpty();
  }

  @Test
  void anUnlistedKeywordOptionOrVariableIsCaught() {
    assertThat(
            python(
                "traced = torch_neuronx.trace(model, x, compiler_args=[\"--fast\"], turbo=True)\n"))
        .containsExactlyInAnyOrder(
            "torch_neuronx.trace takes no listed keyword turbo",
            "compiler option --fast is not listed");
    assertThat(python("y = print(\"a\", sep=\"\")\n"))
        .containsExactly("print has keyword arguments but is not a listed tool");
    assertThat(python("os.environ[\"SECRET_FLAG\"] = \"1\"\n"))
        .containsExactly("environment variable SECRET_FLAG is not listed");
    Plan.Command c =
        new Plan.Command(
            "x", Map.of("NEURON_RT_X", "1"), List.of("vllm", "serve", "m", "--turbo", "1"));
    assertThat(command(c))
        .containsExactlyInAnyOrder(
            "vllm serve has no option --turbo", "environment variable NEURON_RT_X is not listed");
  }

  static List<String> problems(Plan p) throws IOException {
    List<String> out = new ArrayList<>();
    for (Plan.Command c : p.commands()) {
      out.addAll(command(c));
    }
    out.addAll(python(PlanPythonRenderer.render(p)));
    return out;
  }

  static List<String> command(Plan.Command c) {
    List<String> out = new ArrayList<>();
    c.environment().keySet().forEach(k -> env(k, out));
    Optional<PlanFlags.Tool> tool =
        DATA.tools().stream()
            .filter(t -> t.kind() == PlanFlags.Kind.COMMAND)
            .filter(t -> String.join(" ", c.argv()).startsWith(t.id() + " "))
            .findFirst();
    if (tool.isEmpty()) {
      out.add("no listed tool runs " + c.argv().get(0));
      return out;
    }
    List<String> argv = c.argv();
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (!a.startsWith("--")) {
        continue;
      }
      if (!tool.get().flags().containsKey(a)) {
        out.add(tool.get().id() + " has no option " + a);
      }
      if (a.equals("--additional-config") && i + 1 < argv.size()) {
        try {
          JsonNode n = new ObjectMapper().readTree(argv.get(i + 1)).path("neuron_config");
          PlanFlags.Tool keys = DATA.tool("vllm-neuron neuron_config").orElseThrow();
          n.fieldNames()
              .forEachRemaining(
                  k -> {
                    if (!keys.flags().containsKey(k)) {
                      out.add("neuron_config has no key " + k);
                    }
                  });
        } catch (IOException ex) {
          out.add("--additional-config is not JSON: " + ex.getMessage());
        }
      }
    }
    return out;
  }

  static List<String> python(String source) {
    List<String> out = new ArrayList<>();
    String text = withoutComments(source);
    Matcher m = CALL.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      List<String> args = arguments(text, m.end());
      List<String> keywords = new ArrayList<>();
      for (String a : args) {
        Matcher k = KEYWORD.matcher(a);
        if (k.find()) {
          keywords.add(k.group(1));
        }
      }
      if (keywords.isEmpty()
          || name.equals("def")
          || text.startsWith("def ", Math.max(0, m.start() - 4))) {
        continue;
      }
      Optional<PlanFlags.Tool> tool =
          DATA.tools().stream()
              .filter(t -> t.kind() == PlanFlags.Kind.PYTHON)
              .filter(t -> name.equals(t.id()) || name.endsWith("." + t.id()))
              .findFirst();
      if (tool.isEmpty()) {
        out.add(name + " has keyword arguments but is not a listed tool");
        continue;
      }
      for (String k : keywords) {
        if (!tool.get().flags().containsKey(k)) {
          out.add(tool.get().id() + " takes no listed keyword " + k);
        }
      }
    }
    Matcher o = OPTION_LITERAL.matcher(text);
    while (o.find()) {
      String flag = o.group(1);
      boolean listed =
          DATA.tools().stream()
              .filter(
                  t -> t.kind() == PlanFlags.Kind.COMPILER || t.kind() == PlanFlags.Kind.COMMAND)
              .anyMatch(t -> t.flags().containsKey(flag));
      if (!listed) {
        out.add("compiler option " + flag + " is not listed");
      }
    }
    Matcher v = ENVIRON.matcher(text);
    while (v.find()) {
      env(v.group(1), out);
    }
    return out;
  }

  /** The source with comments blanked (a {@code #} outside a string literal to the line's end). */
  static String withoutComments(String source) {
    StringBuilder b = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (quote != 0) {
        b.append(c);
        if (c == '\\' && i + 1 < source.length()) {
          b.append(source.charAt(++i));
        } else if (c == quote || c == '\n') {
          quote = 0;
        }
      } else if (c == '#') {
        while (i + 1 < source.length() && source.charAt(i + 1) != '\n') {
          i++;
        }
      } else {
        if (c == '"' || c == '\'') {
          quote = c;
        }
        b.append(c);
      }
    }
    return b.toString();
  }

  private static void env(String name, List<String> out) {
    if (!DATA.source("environment", name).isPresent()) {
      out.add("environment variable " + name + " is not listed");
    }
  }

  /** The top-level arguments of the call whose parenthesis opens before {@code from}. */
  private static List<String> arguments(String text, int from) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        cur.append(c);
        if (c == '\\' && i + 1 < text.length()) {
          cur.append(text.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        cur.append(c);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
        cur.append(c);
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          break;
        }
        depth--;
        cur.append(c);
      } else if (c == ',' && depth == 0) {
        args.add(cur.toString());
        cur.setLength(0);
      } else if (c == '#') {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
      } else {
        cur.append(c);
      }
    }
    args.add(cur.toString());
    return args;
  }
}
