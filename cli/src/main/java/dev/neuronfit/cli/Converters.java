package dev.neuronfit.cli;

import dev.neuronfit.model.Framework;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values check and scan share, converted by picocli so that a bad value is a usage error
 * (exit 2) naming the option, the value and the accepted ones.
 */
final class Converters {
  private Converters() {}

  /** {@code --framework}: pytorch or tensorflow. */
  static final class FrameworkValue implements ITypeConverter<Framework> {
    @Override
    public Framework convert(String value) {
      return Framework.fromId(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown --framework '"
                          + value
                          + "' (use --framework pytorch or --framework tensorflow)"));
    }
  }

  /** {@code --fail-on}: a finding severity or a fit. */
  static final class FailOnValue implements ITypeConverter<FailOn> {
    @Override
    public FailOn convert(String value) {
      return FailOn.parse(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown --fail-on level '" + value + "' (use " + FailOn.VALUES + ")"));
    }
  }
}
