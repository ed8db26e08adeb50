package dev.neuronfit.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The first commands to run for one model on one target: plain data, written by the renderers.
 * Immutable.
 *
 * @param model the model as the user named it
 * @param target the target id
 * @param stack the id of the stack the plan uses (from the support-now layer)
 * @param stackName its name
 * @param stackStatus its status on the target, in words
 * @param instance the instance the plan is sized for, when one holds the model
 * @param tensorParallel the tensor-parallel degree, when the plan splits the model
 * @param summary one line: stack, instance and degree, as the check report's top line shows it
 * @param why why this stack, instance and degree, one sentence each
 * @param assumptions what the numbers assume, one sentence each
 * @param commands shell commands, in order (may be empty when the plan is a script)
 * @param python the Python program to run after the commands, when the plan has one
 * @param buckets the sequence lengths to compile and the device memory each needs (decoders)
 * @param notes things to do or know before the first run: remedies, blockers, shapes that cannot be
 *     static
 * @param afterFirstRun what to look for in the compiler's and runtime's output
 * @param flags every flag the plan writes, with its tool and source
 */
public record Plan(
    String model,
    String target,
    String stack,
    String stackName,
    String stackStatus,
    Optional<String> instance,
    Optional<Integer> tensorParallel,
    String summary,
    List<String> why,
    List<String> assumptions,
    List<Command> commands,
    Optional<String> python,
    List<Bucket> buckets,
    List<String> notes,
    List<Check> afterFirstRun,
    List<FlagUse> flags) {
  public Plan {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(stack, "stack");
    Objects.requireNonNull(stackName, "stackName");
    Objects.requireNonNull(stackStatus, "stackStatus");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(tensorParallel, "tensorParallel");
    Objects.requireNonNull(summary, "summary");
    why = List.copyOf(why);
    assumptions = List.copyOf(assumptions);
    commands = List.copyOf(commands);
    Objects.requireNonNull(python, "python");
    buckets = List.copyOf(buckets);
    notes = List.copyOf(notes);
    afterFirstRun = List.copyOf(afterFirstRun);
    flags = List.copyOf(flags);
    if (commands.isEmpty() && python.isEmpty()) {
      throw new IllegalArgumentException("a plan has commands or a script");
    }
  }

  /** The check report's one-line pointer: {@code neuronfit plan MODEL --target T}. */
  public String invocation() {
    return "neuronfit plan " + Shell.quote(model) + " --target " + target;
  }

  /**
   * One shell command.
   *
   * @param purpose what it does, one sentence
   * @param environment variables set for it, in order
   * @param argv the program and its arguments, unquoted
   */
  public record Command(String purpose, Map<String, String> environment, List<String> argv) {
    public Command {
      Objects.requireNonNull(purpose, "purpose");
      environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      argv = List.copyOf(argv);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("a command needs a program");
      }
    }
  }

  /**
   * One compiled sequence length.
   *
   * @param tokens the bucket's length
   * @param deviceBytes weights plus the KV cache at this length for the planned sequences
   * @param fits whether that fits the planned cores' device memory
   */
  public record Bucket(int tokens, long deviceBytes, boolean fits) {}

  /**
   * One thing to look for after the first run.
   *
   * @param code the compiler's error code, or empty for a message without one
   * @param message what the output says
   * @param action what to do when it appears
   * @param source where the message and advice come from
   */
  public record Check(String code, String message, String action, String source) {
    public Check {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * One flag the plan writes.
   *
   * @param tool the tool of {@code kb/plan-flags.json} that lists it
   * @param flag the option, variable, key or keyword
   * @param version the tool version the flag was checked against
   * @param source the document that describes it
   */
  public record FlagUse(String tool, String flag, String version, String source) {
    public FlagUse {
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(flag, "flag");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(source, "source");
    }
  }
}
