package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.PhaseBound;
import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The JSON of workloads and roofline estimates, as docs/json-schema.md describes them. */
final class EstimatesJson {
  private EstimatesJson() {}

  static void workload(Workload w, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("workload");
    g.writeNumberField("batch", w.batch());
    optionalInt(g, "sequenceLength", w.sequenceLength());
    optionalInt(g, "imageSize", w.imageSize());
    g.writeStringField("dtype", w.dtype().name());
    g.writeStringField("flopsConvention", Workload.FLOPS_CONVENTION);
    g.writeStringField("method", w.method());
    g.writeNumberField("weightBytes", w.weightBytes());
    g.writeNumberField("activationBytes", w.activationBytes());
    g.writeNumberField("kvCacheBytes", w.kvCacheBytes());
    g.writeArrayFieldStart("phases");
    for (Phase p : w.phases()) {
      g.writeStartObject();
      g.writeStringField("name", p.name());
      g.writeNumberField("flops", Math.round(p.flops()));
      g.writeNumberField("bytesMoved", Math.round(p.bytesMoved()));
      g.writeNumberField("arithmeticIntensity", round(p.arithmeticIntensity()));
      phaseTokens(p, g);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("costUnknownOps");
    for (Map.Entry<String, Integer> e : new TreeMap<>(w.costUnknownOps()).entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("assumptions");
    for (String a : w.assumptions()) {
      g.writeString(a);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void estimates(TargetEstimate e, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("estimates");
    g.writeStringField("kind", "analytic bound");
    g.writeStringField("chip", e.chip());
    g.writeNumberField("peakFlopsPerChip", Math.round(e.peakFlopsPerChip()));
    g.writeNumberField("memoryBandwidthPerChip", Math.round(e.bandwidthPerChip()));
    g.writeNumberField("balancePoint", round(e.balancePoint()));
    g.writeStringField("peakBasis", e.peakBasis());
    g.writeArrayFieldStart("phases");
    for (PhaseBound b : e.phases()) {
      g.writeStartObject();
      g.writeStringField("name", b.phase());
      g.writeStringField("bound", b.bound());
      g.writeNumberField("latencyLowerBoundSeconds", significant(b.latencyLowerBoundSeconds()));
      g.writeNumberField(
          "throughputUpperBoundPerSecond", significant(b.throughputUpperBoundPerSecond()));
      g.writeNumberField("chips", b.chips());
      g.writeStringField("placement", b.placement());
      g.writeNumberField("neuronCores", b.neuronCores());
      if (b.instance().isPresent()) {
        g.writeStringField("instance", b.instance().get());
        g.writeNumberField(
            "throughputPerInstanceUpperBound", significant(b.throughputPerInstanceUpperBound()));
      } else {
        g.writeNullField("instance");
        g.writeNullField("throughputPerInstanceUpperBound");
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    Sizing s = e.sizing();
    g.writeObjectFieldStart("sizing");
    if (s.instance().isPresent()) {
      g.writeStringField("instance", s.instance().get());
    } else {
      g.writeNullField("instance");
    }
    g.writeNumberField("neuronCores", s.neuronCores());
    optionalInt(g, "tensorParallelDegree", s.tensorParallelDegree());
    g.writeNumberField("deviceMemoryBytesNeeded", s.deviceMemoryBytesNeeded());
    optionalInt(g, "pipelineCores", s.pipelineCores());
    g.writeArrayFieldStart("notes");
    for (String n : s.notes()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The metric and lengths of a prefill or decode phase; null for a single pass. */
  private static void phaseTokens(Phase p, JsonGenerator g) throws IOException {
    if (p.metric().isPresent()) {
      g.writeStringField("metric", p.metric().get());
    } else {
      g.writeNullField("metric");
    }
    if (p.tokens().isEmpty()) {
      g.writeNullField("inputLength");
      g.writeNullField("inputUnit");
      g.writeNullField("outputLength");
      g.writeNullField("contextLength");
      return;
    }
    Phase.Tokens t = p.tokens().get();
    g.writeNumberField("inputLength", t.input());
    g.writeStringField("inputUnit", t.inputUnit().id());
    if (t.output().isPresent()) {
      g.writeNumberField("outputLength", t.output().getAsInt());
    } else {
      g.writeNullField("outputLength");
    }
    g.writeNumberField("contextLength", round(t.context()));
  }

  private static void optionalInt(JsonGenerator g, String field, Optional<Integer> v)
      throws IOException {
    if (v.isPresent()) {
      g.writeNumberField(field, v.get());
    } else {
      g.writeNullField(field);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Four significant digits: bounds are estimates, more digits would claim too much. */
  static double significant(double v) {
    if (v == 0 || Double.isInfinite(v) || Double.isNaN(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
  }
}
