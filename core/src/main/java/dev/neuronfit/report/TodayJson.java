package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.kb.DatedSource;
import dev.neuronfit.verdict.Today;
import dev.neuronfit.verdict.TodayPath;
import java.io.IOException;
import java.util.Map;

/** The {@code today} object of a JSON report (see docs/json-schema.md). */
final class TodayJson {
  private TodayJson() {}

  static void write(Today t, Map<String, TargetEstimate> estimates, JsonGenerator g)
      throws IOException {
    g.writeObjectFieldStart("today");
    g.writeObjectFieldStart("snapshot");
    g.writeStringField("date", t.snapshot().date());
    g.writeStringField("neuron", t.snapshot().neuron());
    g.writeStringField("neuronDate", t.snapshot().neuronDate());
    g.writeEndObject();
    g.writeArrayFieldStart("targets");
    for (TodayPath p : t.paths()) {
      g.writeStartObject();
      g.writeStringField("target", p.target());
      g.writeStringField("neuronCore", p.neuronCore());
      g.writeBooleanField("ratedByEdition", p.ratedByEdition());
      if (p.best().isPresent()) {
        g.writeFieldName("best");
        path(p.best().get(), g);
      } else {
        g.writeNullField("best");
      }
      g.writeArrayFieldStart("endOfSupport");
      for (TodayPath.Path e : p.endOfSupport()) {
        path(e, g);
      }
      g.writeEndArray();
      g.writeStringField("quantization", p.quantization().orElse(null));
      g.writeStringField("lnc", p.lnc().orElse(null));
      TargetEstimate est = estimates.get(p.target());
      g.writeStringField("sizing", est == null ? null : TodayText.sizing(est, p));
      if (p.frozen().isPresent()) {
        g.writeObjectFieldStart("frozen");
        g.writeStringField("since", p.frozen().get().since());
        g.writeStringField("date", p.frozen().get().date());
        g.writeStringField("text", p.frozen().get().text());
        source(p.frozen().get().source(), g);
        g.writeEndObject();
      } else {
        g.writeNullField("frozen");
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void path(TodayPath.Path p, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("stack", p.stack());
    g.writeStringField("name", p.stackName());
    g.writeStringField("status", p.statusValue().id());
    g.writeStringField("neuron", p.status().neuron());
    g.writeStringField("date", p.status().date());
    g.writeStringField("evidence", p.evidence());
    g.writeBooleanField("onboarding", p.onboarding());
    source(p.source(), g);
    g.writeStringField("statusSource", p.status().source().url());
    g.writeEndObject();
  }

  private static void source(DatedSource s, JsonGenerator g) throws IOException {
    g.writeStringField("source", s.url());
    g.writeStringField("sourceDate", s.date());
  }
}
