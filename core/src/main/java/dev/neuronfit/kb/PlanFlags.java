package dev.neuronfit.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The options a plan may write ({@code kb/plan-flags.json}): per tool and version, the command-line
 * options, environment variables, JSON keys and Python keyword arguments, each with the document it
 * was checked against; and the compiler messages a plan asks the user to look for. Immutable.
 *
 * @param tools the tools, in the file's order
 * @param messages the compiler messages, in the file's order
 * @param messagesSource the compiler's error-code index the messages come from
 */
public record PlanFlags(
    List<Tool> tools, List<CompilerMessage> messages, DatedSource messagesSource) {
  public PlanFlags {
    tools = List.copyOf(tools);
    messages = List.copyOf(messages);
    Objects.requireNonNull(messagesSource, "messagesSource");
  }

  /** What a tool's flags are: how a test finds them in a plan. */
  public enum Kind {
    /** a program's command-line options ({@code --name}) */
    COMMAND,
    /** keys of a JSON value passed to a command */
    JSON_KEYS,
    /** compiler options passed through a framework ({@code compiler_args}, NEURON_CC_FLAGS) */
    COMPILER,
    /** environment variables */
    ENVIRONMENT,
    /** keyword arguments of one Python call */
    PYTHON
  }

  /**
   * One tool.
   *
   * @param id the command ({@code vllm serve}), Python call ({@code torch_neuronx.trace}) or group
   * @param version the version the flags were checked against
   * @param flags its flags by name
   */
  public record Tool(String id, Kind kind, String version, Map<String, DatedSource> flags) {
    public Tool {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(version, "version");
      flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    }
  }

  /** One compiler message: its code, the message as the compiler prints it, and what to do. */
  public record CompilerMessage(String code, String message, String recommendation) {
    public CompilerMessage {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(recommendation, "recommendation");
    }
  }

  public Optional<Tool> tool(String id) {
    return tools.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** The source of a flag of a tool, or empty when the data does not list it. */
  public Optional<DatedSource> source(String tool, String flag) {
    return tool(tool).flatMap(t -> Optional.ofNullable(t.flags().get(flag)));
  }

  public Optional<CompilerMessage> message(String code) {
    return messages.stream().filter(m -> m.code().equals(code)).findFirst();
  }

  /**
   * Reads the file's tree.
   *
   * @throws IllegalArgumentException naming the entry that lacks a field or has an unknown kind
   */
  static PlanFlags parse(JsonNode root) {
    List<Tool> tools = new ArrayList<>();
    for (JsonNode t : root.path("tools")) {
      String id = t.path("id").asText("");
      String kind = t.path("kind").asText("");
      Kind k;
      try {
        k = Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tool " + id + ": unknown kind '" + kind + "'", e);
      }
      Map<String, DatedSource> flags = new LinkedHashMap<>();
      for (JsonNode f : t.path("flags")) {
        String name = f.path("name").asText("");
        if (name.isEmpty()) {
          throw new IllegalArgumentException("tool " + id + ": a flag without a name");
        }
        flags.put(
            name, new DatedSource(f.path("source").asText(""), f.path("date").asText(""), ""));
      }
      if (id.isEmpty() || flags.isEmpty()) {
        throw new IllegalArgumentException("a tool needs an id and flags: " + t);
      }
      tools.add(new Tool(id, k, t.path("version").asText(""), flags));
    }
    JsonNode m = root.path("compilerMessages");
    List<CompilerMessage> messages = new ArrayList<>();
    for (JsonNode c : m.path("messages")) {
      messages.add(
          new CompilerMessage(
              c.path("code").asText(""),
              c.path("message").asText(""),
              c.path("recommendation").asText("")));
    }
    return new PlanFlags(
        tools,
        messages,
        new DatedSource(m.path("source").asText(""), m.path("date").asText(""), ""));
  }
}
