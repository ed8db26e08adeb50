package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;
import java.util.Optional;

/**
 * A scan as JSON Lines (schemaVersion 1, see docs/json-schema.md): one compact JSON object a line
 * for each unit a scan reads, an id or a model found under a path, {@code {"schemaVersion",
 * "input", "models"}}, where {@code models} holds the same entries as the {@code models} of {@code
 * scan --format json}. A line is written whole and flushed when its unit is {@link #finished}, so
 * an interrupted scan leaves complete lines and at most one cut last line: that is what makes the
 * file resumable. There is no summary line.
 */
public final class ScanJsonLinesRenderer implements ScanRenderer {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final Writer out;
  private final JsonRenderer reports = new JsonRenderer();
  private StringWriter models = new StringWriter();
  private JsonGenerator g;

  public ScanJsonLinesRenderer(Writer out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void begin() {
    open();
  }

  private void open() {
    models = new StringWriter();
    try {
      g = FACTORY.createGenerator(models);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    try {
      model(reports, row, report, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One entry of a scan's {@code models}, here and in {@code scan --format json}: the model's
   * report, or the path and why it could not be read.
   */
  static void model(JsonRenderer reports, ScanRow row, Optional<Report> report, JsonGenerator g)
      throws IOException {
    if (row instanceof ScanRow.Checked && report.isPresent()) {
      reports.report(report.get(), g);
    } else if (row instanceof ScanRow.Unreadable u) {
      g.writeStartObject();
      g.writeStringField("path", u.path());
      g.writeStringField("error", u.error());
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("a checked row needs its report: " + row.path());
    }
  }

  /** Writes the line of one unit: the rows given since the last line, under {@code input}. */
  public void finished(String input) {
    try {
      g.writeEndArray();
      g.close();
      StringWriter line = new StringWriter();
      try (JsonGenerator l = FACTORY.createGenerator(line)) {
        l.writeStartObject();
        l.writeNumberField("schemaVersion", Report.SCHEMA_VERSION);
        l.writeStringField("input", input);
        l.writeFieldName("models");
        l.writeRawValue(models.toString());
        l.writeEndObject();
      }
      out.write(line.toString());
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    open();
  }

  @Override
  public void end(ScanSummary summary) {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
