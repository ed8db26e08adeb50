package dev.neuronfit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Schema (draft 2020-12) of the JSON that {@link JsonRenderer} and {@link
 * ScanJsonRenderer} write, schemaVersion {@value Report#SCHEMA_VERSION}. The file is kept once, as
 * {@code docs/schema/neuronfit.schema.json}, and packaged into the jar by the build.
 */
public final class ReportSchema {
  /** Where the build puts the schema on the class path. */
  public static final String RESOURCE = "/dev/neuronfit/schema/neuronfit.schema.json";

  private ReportSchema() {}

  /**
   * The schema's text.
   *
   * @throws IllegalStateException when the jar was built without it
   */
  public static String text() {
    try (InputStream in = ReportSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar holds no " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
