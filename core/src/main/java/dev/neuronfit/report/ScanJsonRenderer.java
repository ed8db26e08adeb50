package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;
import java.util.Optional;

/**
 * A scan as one JSON object (schemaVersion 1, see docs/json-schema.md): {@code models}, an array of
 * the same objects {@code check --format json} prints, one per model read, and {@code {"path",
 * "error"}} for a model that could not be read; then {@code summary}, the totals, with today's best
 * stack per target no edition rates counted as the text and Markdown tables show it per model. The
 * array is written model by model as the scan goes, never held.
 */
public final class ScanJsonRenderer implements ScanRenderer {
  private final Writer out;
  private final Edition edition;
  private final String toolVersion;
  private final JsonRenderer reports = new JsonRenderer();
  private JsonGenerator g;

  public ScanJsonRenderer(Writer out, Edition edition, String toolVersion) {
    this.out = out;
    this.edition = edition;
    this.toolVersion = toolVersion;
  }

  private void step(JsonStep s) {
    JsonStep.run(g, s);
  }

  @Override
  public void begin() {
    try {
      g = JsonRenderer.generator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    step(
        () -> {
          g.writeStartObject();
          g.writeNumberField("schemaVersion", Report.SCHEMA_VERSION);
          g.writeObjectFieldStart("tool");
          g.writeStringField("name", "neuronfit");
          g.writeStringField("version", toolVersion);
          g.writeEndObject();
          g.writeObjectFieldStart("knowledgeBase");
          g.writeStringField("edition", edition.id());
          g.writeStringField("neuronReleases", edition.neuronReleases());
          g.writeStringField("source", edition.source().url());
          g.writeEndObject();
          g.writeArrayFieldStart("models");
        });
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    step(() -> ScanJsonLinesRenderer.model(reports, row, report, g));
  }

  @Override
  public void end(ScanSummary s) {
    step(
        () -> {
          g.writeEndArray();
          g.writeObjectFieldStart("summary");
          g.writeNumberField("models", s.models());
          g.writeNumberField("checked", s.checked());
          g.writeNumberField("unreadable", s.unreadable());
          g.writeNumberField("skipped", s.skipped());
          g.writeObjectFieldStart("formats");
          for (var e : s.formats().entrySet()) {
            g.writeNumberField(e.getKey().id(), e.getValue());
          }
          g.writeEndObject();
          g.writeObjectFieldStart("families");
          for (var e : s.families().entrySet()) {
            g.writeNumberField(e.getKey().id(), e.getValue());
          }
          g.writeEndObject();
          g.writeObjectFieldStart("fit");
          for (Map.Entry<String, Map<Fit, Integer>> t : s.fits().entrySet()) {
            g.writeObjectFieldStart(t.getKey());
            for (var e : t.getValue().entrySet()) {
              g.writeNumberField(e.getKey().id(), e.getValue());
            }
            g.writeEndObject();
          }
          g.writeEndObject();
          g.writeObjectFieldStart("worstFinding");
          for (var e : s.worstFinding().entrySet()) {
            g.writeNumberField(e.getKey().map(v -> v.id()).orElse("none"), e.getValue());
          }
          g.writeEndObject();
          g.writeNumberField("parameters", s.parameters());
          g.writeNumberField("weightBytes", s.weightBytes());
          g.writeBooleanField("someEstimated", s.someEstimated());
          g.writeArrayFieldStart("now");
          for (ScanSummary.NowCount n : s.now()) {
            g.writeStartObject();
            g.writeStringField("target", n.target());
            g.writeStringField("stack", n.stack().isEmpty() ? null : n.stack());
            g.writeStringField("status", n.status().isEmpty() ? null : n.status());
            g.writeNumberField("models", n.models());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndObject();
        });
    try {
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
