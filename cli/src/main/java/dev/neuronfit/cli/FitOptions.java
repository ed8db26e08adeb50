package dev.neuronfit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The input the workload estimates are made for, and the hardware figures they use. */
final class FitOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

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
          "Fraction of peak compute and bandwidth assumed reachable, in (0, 1] (default 1).")
  Double efficiency;

  @Option(
      names = "--hardware",
      paramLabel = "FILE",
      description =
          "Hardware figures to use instead of the built-in ones (same layout as kb/hardware.json).")
  Path hardwareFile;

  WorkloadOptions workload() {
    try {
      return new WorkloadOptions(
          opt(batch),
          opt(seqLen),
          opt(imageSize),
          Optional.ofNullable(dtype).map(this::dtype),
          efficiency == null ? 1.0 : efficiency);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
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
  Hardware hardware(KnowledgeBase kb) {
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
