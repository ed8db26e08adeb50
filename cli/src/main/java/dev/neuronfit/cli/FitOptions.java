package dev.neuronfit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options check and scan share, in one mixin so that both take, describe and check them alike:
 * the guideline edition and targets (the part matrix takes too), the framework, the workload the
 * estimates are made for and the hardware figures they use.
 */
public final class FitOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Mixin EditionOptions editionOptions;

  @Option(
      names = "--framework",
      paramLabel = "F",
      description = "Only packages for this framework: pytorch or tensorflow.",
      converter = Converters.FrameworkValue.class)
  Framework framework;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Batch size for the estimates (default 1).")
  Integer batch;

  @Option(
      names = "--seq-len",
      paramLabel = "N",
      description = "Tokens per sequence for the estimates (default: the model's maximum).")
  Integer seqLen;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description = "Image side in pixels for the estimates (default: the model's).")
  Integer imageSize;

  @Option(
      names = "--dtype",
      paramLabel = "T",
      description = "Element type on the device: bf16 (default), fp16, fp32, fp8, int8.")
  String dtype;

  @Option(
      names = "--efficiency",
      paramLabel = "X",
      description =
          "Fraction of peak compute and bandwidth assumed reachable, 0.001 to 1 (default 1).")
  Double efficiency;

  @Option(
      names = "--input-len",
      paramLabel = "N",
      description =
          "Prompt tokens of a generative model, for prefill (default: the sequence length).")
  Integer inputLen;

  @Option(
      names = "--output-len",
      paramLabel = "N",
      description =
          "Generated tokens of a generative model: decode is then the mean time per output token.")
  Integer outputLen;

  @Option(
      names = "--instance",
      paramLabel = "NAME",
      description =
          "Place the bounds on this instance size, e.g. inf2.48xlarge (default: the smallest"
              + " instance that holds the model and the fastest placement of each target).")
  String instance;

  @Option(
      names = "--tp",
      paramLabel = "N",
      description =
          "Tensor-parallel degree: NeuronCores the model is split over (one the target documents;"
              + " default all cores of --instance).")
  Integer tp;

  @Option(
      names = "--hardware",
      paramLabel = "FILE",
      description =
          "Hardware figures to use instead of the built-in ones (same layout as kb/hardware.json).")
  Path hardwareFile;

  /** What the options chose, checked against the knowledge base. */
  public record Chosen(
      Edition edition,
      List<Target> targets,
      Selection selection,
      WorkloadOptions workload,
      Hardware hardware) {}

  /** A command that takes only these options, so that others can parse them as check does. */
  @picocli.CommandLine.Command(name = "options")
  private static final class OptionsOnly {
    @Mixin FitOptions options;
  }

  /**
   * What the given command-line options choose, checked exactly as check checks them (serve turns a
   * request's parameters into these options).
   *
   * @throws IllegalArgumentException naming the option when one is unknown or its value is bad
   */
  public static Chosen parse(KnowledgeBase kb, List<String> args) {
    OptionsOnly command = new OptionsOnly();
    picocli.CommandLine cl = new picocli.CommandLine(command);
    try {
      cl.parseArgs(args.toArray(String[]::new));
      return command.options.resolve(kb);
    } catch (picocli.CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The edition, targets, selection, workload and hardware the options choose; a bad value is a
   * usage error naming the option.
   */
  Chosen resolve(KnowledgeBase kb) {
    Hardware hardware = hardware(kb);
    // a user's hardware file may describe targets the edition lacks; they are accepted for
    // estimates
    List<String> hardwareFileTargets = hardwareFile == null ? List.of() : hardware.targetIds();
    Edition edition = editionOptions.resolve(kb, hardwareFileTargets);
    return new Chosen(
        edition,
        editionOptions.selectedTargets(edition),
        new Selection(editionOptions.targets, Optional.ofNullable(framework)),
        workload(hardware),
        hardware);
  }

  private WorkloadOptions workload(Hardware hardware) {
    checkPlacement(hardware);
    inRange("--batch", batch, WorkloadOptions.MAX_BATCH);
    inRange("--seq-len", seqLen, WorkloadOptions.MAX_SEQUENCE_LENGTH);
    inRange("--image-size", imageSize, WorkloadOptions.MAX_IMAGE_SIZE);
    inRange("--input-len", inputLen, WorkloadOptions.MAX_SEQUENCE_LENGTH);
    inRange("--output-len", outputLen, WorkloadOptions.MAX_SEQUENCE_LENGTH);
    if (efficiency != null && !(efficiency >= WorkloadOptions.MIN_EFFICIENCY && efficiency <= 1)) {
      throw new ParameterException(
          spec.commandLine(),
          "--efficiency must be between "
              + WorkloadOptions.MIN_EFFICIENCY
              + " and 1, found "
              + efficiency);
    }
    try {
      return new WorkloadOptions(
          opt(batch),
          opt(seqLen),
          opt(imageSize),
          Optional.ofNullable(dtype).map(this::dtype),
          efficiency == null ? 1.0 : efficiency,
          opt(inputLen),
          opt(outputLen),
          Optional.ofNullable(instance),
          opt(tp));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** A usage error naming the option when its value is outside 1 to {@code max}. */
  private void inRange(String option, Integer value, int max) {
    if (value != null && (value < 1 || value > max)) {
      throw new ParameterException(
          spec.commandLine(), option + " must be between 1 and " + max + ", found " + value);
    }
  }

  /**
   * --instance must name an instance the hardware describes; --tp must be a degree its target
   * documents (any target's, without --instance) and fit the instance's NeuronCores.
   */
  private void checkPlacement(Hardware hardware) {
    Optional<Hardware.TargetHardware> owner = Optional.empty();
    if (instance != null) {
      owner =
          hardware.targetIds().stream()
              .map(id -> hardware.target(id).orElseThrow())
              .filter(
                  h -> h.instances().stream().anyMatch(i -> i.name().equalsIgnoreCase(instance)))
              .findFirst();
      if (owner.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "unknown --instance '"
                + instance
                + "' (known: "
                + String.join(
                    ", ",
                    hardware.targetIds().stream()
                        .flatMap(id -> hardware.target(id).orElseThrow().instances().stream())
                        .map(Hardware.Instance::name)
                        .toList())
                + ")");
      }
    }
    if (tp == null) {
      return;
    }
    if (owner.isPresent()) {
      Hardware.TargetHardware h = owner.get();
      Hardware.Instance inst =
          h.instances().stream()
              .filter(i -> i.name().equalsIgnoreCase(instance))
              .findFirst()
              .orElseThrow();
      if (!h.tensorParallelDegrees().contains(tp) || tp > inst.neuronCores()) {
        throw new ParameterException(
            spec.commandLine(),
            "--tp "
                + tp
                + " is not a tensor-parallel degree of "
                + inst.name()
                + " ("
                + h.target()
                + " documents "
                + (h.tensorParallelDegrees().isEmpty()
                    ? "none"
                    : h.tensorParallelDegrees().toString())
                + "; the instance has "
                + inst.neuronCores()
                + " NeuronCores)");
      }
      return;
    }
    boolean anywhere =
        hardware.targetIds().stream()
            .anyMatch(id -> hardware.target(id).orElseThrow().tensorParallelDegrees().contains(tp));
    if (!anywhere) {
      throw new ParameterException(
          spec.commandLine(),
          "--tp " + tp + " is not a tensor-parallel degree any target documents");
    }
  }

  private static OptionalInt opt(Integer v) {
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  private DType dtype(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "bf16", "bfloat16" -> DType.BF16;
      case "fp16", "f16", "float16", "half" -> DType.F16;
      case "fp32", "f32", "float32" -> DType.F32;
      case "fp8", "f8", "fp8_e4m3" -> DType.F8_E4M3;
      case "int8", "i8" -> DType.I8;
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "unknown --dtype '" + name + "' (use bf16, fp16, fp32, fp8 or int8)");
    };
  }

  /** The built-in hardware, or the user's file; a bad file is a usage error naming it. */
  private Hardware hardware(KnowledgeBase kb) {
    if (hardwareFile == null) {
      return kb.hardware();
    }
    try {
      JsonNode root =
          new BoundedJson(ReadLimits.DEFAULT).readObjectFile(hardwareFile, hardwareFile);
      return Hardware.parse(root, hardwareFile.toString());
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--hardware " + hardwareFile + ": " + Errors.oneLine(Errors.describe(e)));
    }
  }
}
