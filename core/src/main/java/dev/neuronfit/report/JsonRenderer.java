package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.neuronfit.classify.AlsoMatch;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.classify.Trait;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpCount;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.FitRow;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Guidance;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.Quantization;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.plan.PlanJsonRenderer;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.SupportEntry;
import dev.neuronfit.verdict.TargetVerdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Writes reports and the guideline matrix as JSON (schemaVersion 1, documented in
 * docs/json-schema.md). Field order is fixed and nothing varies between runs, so output can be
 * diffed and checked into version control.
 */
public final class JsonRenderer implements ReportRenderer {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** One report as an object, several as an array. */
  @Override
  public void reports(List<Report> reports, Writer out) {
    write(
        out,
        g -> {
          if (reports.size() == 1) {
            report(reports.get(0), g);
          } else {
            g.writeStartArray();
            for (Report r : reports) {
              report(r, g);
            }
            g.writeEndArray();
          }
        });
  }

  /** The tables of an edition for the selected targets. */
  public void matrix(Edition edition, List<Target> targets, Writer out) {
    write(
        out,
        g -> {
          g.writeStartObject();
          g.writeStringField("edition", edition.id());
          g.writeStringField("neuronReleases", edition.neuronReleases());
          g.writeStringField("source", edition.source().url());
          g.writeStringField("footnote", edition.footnote());
          g.writeArrayFieldStart("targets");
          for (Target t : targets) {
            FitTable table = edition.table(t);
            g.writeStartObject();
            g.writeStringField("target", t.id());
            g.writeStringField("name", t.name());
            g.writeStringField("neuronCore", t.neuronCore());
            g.writeStringField("title", table.title());
            g.writeStringField("lastUpdate", table.lastUpdate());
            g.writeArrayFieldStart("headers");
            for (String h : table.headers()) {
              g.writeString(h);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            for (FitRow row : table.rows()) {
              g.writeStartObject();
              g.writeStringField("family", row.family().id());
              g.writeStringField("label", row.label());
              g.writeStringField("category", row.category());
              g.writeStringField("fit", row.fit().id());
              g.writeStringField("fitLabel", row.fit().label());
              g.writeArrayFieldStart("support");
              for (int i = 0; i < table.columns().size(); i++) {
                Column col = table.columns().get(i);
                if (col.useCase().isPresent() && !t.useCases().contains(col.useCase().get())) {
                  continue;
                }
                g.writeStartObject();
                g.writeStringField("package", col.pkg().id());
                writeOptional(g, "workload", col.useCase().map(w -> w.id()));
                g.writeStringField("status", row.support().get(i).id());
                g.writeStringField("statusLabel", row.support().get(i).label());
                g.writeStringField("header", col.header());
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** One report as the check object; the scan's JSON writes the same objects into its array. */
  void report(Report r, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schemaVersion", Report.SCHEMA_VERSION);
    g.writeObjectFieldStart("tool");
    g.writeStringField("name", "neuronfit");
    g.writeStringField("version", r.toolVersion());
    g.writeEndObject();
    g.writeObjectFieldStart("knowledgeBase");
    g.writeStringField("edition", r.edition().id());
    g.writeStringField("neuronReleases", r.edition().neuronReleases());
    g.writeStringField("source", r.edition().source().url());
    g.writeEndObject();
    model(r.model(), g);
    g.writeObjectFieldStart("architecture");
    g.writeStringField("family", r.architecture().family().id());
    g.writeNumberField("confidence", r.architecture().confidence());
    g.writeArrayFieldStart("evidence");
    for (Evidence e : r.architecture().evidence()) {
      g.writeStartObject();
      g.writeStringField("source", e.source());
      g.writeStringField("key", e.key());
      g.writeStringField("value", e.value());
      g.writeStringField("meaning", e.meaning());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("alsoMatches");
    for (AlsoMatch a : r.architecture().alsoMatches()) {
      g.writeStartObject();
      g.writeStringField("family", a.family().id());
      g.writeStringField("reason", a.reason());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("traits");
    for (Trait t : r.architecture().traits()) {
      g.writeStartObject();
      g.writeStringField("id", t.kind().id());
      g.writeStringField("detail", t.detail());
      g.writeStringField("key", t.key());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeArrayFieldStart("targets");
    for (TargetVerdict v : r.targets()) {
      target(v, r.estimates().get(v.target().id()), g);
    }
    g.writeEndArray();
    if (r.estimates().keySet().stream()
        .anyMatch(t -> r.targets().stream().noneMatch(v -> v.target().id().equals(t)))) {
      // targets the hardware figures describe but the edition does not rate, e.g. a user's trn2
      g.writeArrayFieldStart("otherTargets");
      for (var e : r.estimates().entrySet()) {
        if (r.targets().stream().noneMatch(v -> v.target().id().equals(e.getKey()))) {
          g.writeStartObject();
          g.writeStringField("target", e.getKey());
          EstimatesJson.estimates(e.getValue(), g);
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    }
    if (r.workload().isPresent()) {
      EstimatesJson.workload(r.workload().get(), g);
    }
    g.writeArrayFieldStart("findings");
    for (Finding f : r.findings()) {
      g.writeStartObject();
      g.writeStringField("rule", f.rule());
      g.writeStringField("severity", f.severity().id());
      writeOptional(g, "target", f.target());
      g.writeStringField("message", f.message());
      g.writeStringField("observed", f.observed());
      g.writeStringField("guideline", f.guideline());
      g.writeStringField("advice", f.advice());
      g.writeStringField("source", f.source());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (r.operators().isPresent()) {
      operators(r.operators().get(), g);
    }
    if (r.today().isPresent()) {
      TodayJson.write(r.today().get(), r.estimates(), g);
    }
    if (r.plan().isPresent()) {
      g.writeFieldName("plan");
      PlanJsonRenderer.write(r.plan().get(), g);
    }
    g.writeEndObject();
  }

  /**
   * The {@code operators} object, written only for graph models so other reports stay as they were.
   */
  private void operators(OperatorSummary o, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("operators");
    g.writeNumberField("total", o.total());
    g.writeNumberField("mainGraph", o.mainGraph());
    g.writeNumberField("counted", o.countedNodes());
    counts(g, "byType", o.byType());
    counts(g, "notCounted", o.notCounted());
    g.writeArrayFieldStart("coverage");
    for (ListCoverage c : o.coverage()) {
      g.writeStartObject();
      g.writeStringField("target", c.target());
      g.writeStringField("list", c.list().id());
      g.writeStringField("name", c.list().name());
      g.writeStringField("source", c.list().source().toString());
      g.writeStringField("asOf", c.list().asOf());
      g.writeStringField("release", c.list().release());
      g.writeStringField("status", c.list().status());
      g.writeNumberField("listOps", c.list().ops().size());
      g.writeStringField("basis", c.basis().id());
      g.writeNumberField("countedNodes", c.countedNodes());
      g.writeNumberField("checkedNodes", c.checkedNodes());
      g.writeNumberField("supportedNodes", c.neuronNodes());
      g.writeNumberField("cpuNodes", c.cpuNodes());
      g.writeNumberField("inCpuSubgraphs", c.inCpuSubgraphs());
      if (c.cpuShare().isPresent()) {
        g.writeNumberField("cpuShare", Math.round(c.cpuShare().getAsDouble() * 10_000) / 10_000.0);
      } else {
        g.writeNullField("cpuShare");
      }
      tallies(g, "unsupported", c.unsupported());
      tallies(g, "limited", c.limited());
      tallies(g, "supported", c.supported());
      g.writeArrayFieldStart("notes");
      for (String n : c.notes()) {
        g.writeString(n);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void counts(JsonGenerator g, String field, List<OpCount> counts)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (OpCount c : counts) {
      g.writeNumberField(c.op(), c.count());
    }
    g.writeEndObject();
  }

  private static void tallies(JsonGenerator g, String field, List<OpTally> tallies)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (OpTally t : tallies) {
      g.writeStartObject();
      g.writeStringField("op", t.op());
      g.writeNumberField("count", t.count());
      g.writeStringField("status", t.status().id());
      g.writeArrayFieldStart("examples");
      for (String e : t.examples()) {
        g.writeString(e);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("origins");
      for (String e : t.origins()) {
        g.writeString(e);
      }
      g.writeEndArray();
      writeOptional(g, "note", t.note());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void model(ModelSummary m, JsonGenerator g) throws IOException {
    WeightSummary w = m.weights();
    g.writeObjectFieldStart("model");
    g.writeStringField("path", m.path());
    g.writeStringField("format", m.format().id());
    writeOptional(
        g,
        "framework",
        m.framework() == Framework.UNKNOWN ? Optional.empty() : Optional.of(m.framework().id()));
    writeOptional(g, "parameters", w.parameters());
    writeOptional(g, "weightBytes", w.bytes());
    g.writeBooleanField("estimated", w.estimated());
    g.writeStringField("sizeSource", SizeSource.of(w, m.estimate()).id());
    writeOptional(
        g,
        "sizeUnknownReason",
        SizeSource.unknownReason(w, m.estimate(), m.format() == ModelFormat.HF));
    g.writeStringField("weightsBasis", w.basis());
    quantization(m.quantization(), g);
    g.writeObjectFieldStart("dtypes");
    for (Map.Entry<DType, WeightSummary.DTypeTally> e : w.dtypesSorted().entrySet()) {
      g.writeObjectFieldStart(e.getKey().name());
      g.writeNumberField("parameters", e.getValue().elements());
      g.writeNumberField("bytes", e.getValue().bytes());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeNumberField("tensors", m.tensorCount());
    if (!m.components().isEmpty()) {
      components(m.components(), g);
    }
    g.writeArrayFieldStart("hazards");
    for (Hazard h : m.hazards()) {
      g.writeStartObject();
      g.writeStringField("kind", h.kind());
      g.writeStringField("detail", h.detail());
      g.writeStringField("place", h.place());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (m.graph().isPresent()) {
      graph(m.graph().get(), g);
    }
    g.writeArrayFieldStart("notes");
    for (String n : m.notes()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** A pipeline's weight-bearing components, each with its size and where it comes from. */
  private static void components(List<ComponentSize> sizes, JsonGenerator g) throws IOException {
    g.writeArrayFieldStart("components");
    for (ComponentSize s : sizes) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeStringField("class", s.className());
      writeOptional(g, "parameters", s.parameters());
      writeOptional(g, "weightBytes", s.bytes());
      writeOptional(g, "dtype", s.dtype().map(DType::name));
      g.writeStringField("sizeSource", s.source().id());
      g.writeStringField("detail", s.detail());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void quantization(Optional<Quantization> q, JsonGenerator g) throws IOException {
    if (q.isEmpty()) {
      g.writeNullField("quantization");
      return;
    }
    g.writeObjectFieldStart("quantization");
    g.writeStringField("method", q.get().method());
    writeOptional(g, "bits", widen(q.get().bits()));
    writeOptional(g, "groupSize", widen(q.get().groupSize()));
    writeOptional(
        g, "scheme", q.get().scheme().isEmpty() ? Optional.empty() : Optional.of(q.get().scheme()));
    g.writeBooleanField("expertsOnly", q.get().expertsOnly());
    g.writeStringField("label", q.get().label());
    g.writeStringField("source", q.get().source());
    g.writeEndObject();
  }

  private void graph(GraphSummary s, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("graph");
    g.writeStringField("producer", s.producer());
    g.writeObjectFieldStart("opsets");
    for (Map.Entry<String, Long> e : s.opsetsSorted().entrySet()) {
      g.writeNumberField(e.getKey().isEmpty() ? "ai.onnx" : e.getKey(), e.getValue());
    }
    g.writeEndObject();
    valueInfos("inputs", s.inputs(), g);
    valueInfos("outputs", s.outputs(), g);
    g.writeNumberField("nodes", s.nodes());
    g.writeNumberField("subgraphNodes", s.subgraphNodes());
    g.writeEndObject();
  }

  private static void valueInfos(String field, List<ValueInfo> values, JsonGenerator g)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (ValueInfo v : values) {
      g.writeStartObject();
      g.writeStringField("name", v.name());
      writeOptional(g, "dtype", v.elementType().map(DType::name));
      g.writeArrayFieldStart("shape");
      for (ValueInfo.Dim d : v.shape()) {
        if (d.isKnown()) {
          g.writeNumber(d.value());
        } else {
          g.writeString(d.symbol().isEmpty() ? "?" : d.symbol());
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void target(TargetVerdict v, TargetEstimate estimate, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("target", v.target().id());
    g.writeStringField("name", v.target().name());
    g.writeStringField("neuronCore", v.target().neuronCore());
    g.writeStringField("table", v.table().title());
    g.writeStringField("lastUpdate", v.table().lastUpdate());
    g.writeStringField("fit", v.fit().id());
    g.writeArrayFieldStart("support");
    for (SupportEntry s : v.support()) {
      g.writeStartObject();
      g.writeStringField("package", s.column().pkg().id());
      writeOptional(g, "workload", s.column().useCase().map(x -> x.id()));
      g.writeStringField("status", s.status().id());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("guidance");
    for (Guidance gd : v.guidance()) {
      g.writeStartObject();
      g.writeStringField("kind", gd.kind());
      g.writeStringField("text", gd.text());
      g.writeStringField("section", gd.section().cite());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (estimate != null) {
      EstimatesJson.estimates(estimate, g);
    }
    g.writeEndObject();
  }

  private static void writeOptional(JsonGenerator g, String field, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      g.writeStringField(field, value.get());
    } else {
      g.writeNullField(field);
    }
  }

  private static OptionalLong widen(OptionalInt v) {
    return v.isPresent() ? OptionalLong.of(v.getAsInt()) : OptionalLong.empty();
  }

  private static void writeOptional(JsonGenerator g, String field, OptionalLong value)
      throws IOException {
    if (value.isPresent()) {
      g.writeNumberField(field, value.getAsLong());
    } else {
      g.writeNullField(field);
    }
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static void write(Writer out, Body body) {
    try {
      JsonGenerator g = generator(out);
      body.write(g);
      g.flush();
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generator with the layout of all neuronfit JSON: two-space indents, one field a line. */
  static JsonGenerator generator(Writer out) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    g.setPrettyPrinter(pp);
    return g;
  }
}
