package dev.neuronfit.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** A plan as JSON: the {@code plan} object of docs/json-schema.md, standalone or in a report. */
public final class PlanJsonRenderer {
  private static final JsonFactory FACTORY = new JsonFactory();

  private PlanJsonRenderer() {}

  /** The plan alone, pretty-printed, with a trailing newline. */
  public static String render(Plan p) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
      pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      g.setPrettyPrinter(pp);
      write(p, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().replace("\r\n", "\n") + "\n";
  }

  /** Writes the plan object to a generator (the check report's JSON embeds it). */
  public static void write(Plan p, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", p.model());
    g.writeStringField("target", p.target());
    g.writeStringField("stack", p.stack());
    g.writeStringField("stackName", p.stackName());
    g.writeStringField("stackStatus", p.stackStatus());
    if (p.instance().isPresent()) {
      g.writeStringField("instance", p.instance().get());
    } else {
      g.writeNullField("instance");
    }
    if (p.tensorParallel().isPresent()) {
      g.writeNumberField("tensorParallel", p.tensorParallel().get());
    } else {
      g.writeNullField("tensorParallel");
    }
    g.writeStringField("summary", p.summary());
    g.writeStringField("invocation", p.invocation());
    strings(g, "why", p.why());
    strings(g, "assumptions", p.assumptions());
    g.writeArrayFieldStart("commands");
    for (Plan.Command c : p.commands()) {
      g.writeStartObject();
      g.writeStringField("purpose", c.purpose());
      g.writeObjectFieldStart("environment");
      for (Map.Entry<String, String> e : c.environment().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      strings(g, "argv", c.argv());
      g.writeStringField("shell", PlanText.shell(c));
      g.writeEndObject();
    }
    g.writeEndArray();
    if (p.python().isPresent()) {
      g.writeStringField("python", p.python().get());
    } else {
      g.writeNullField("python");
    }
    g.writeArrayFieldStart("buckets");
    for (Plan.Bucket b : p.buckets()) {
      g.writeStartObject();
      g.writeNumberField("tokens", b.tokens());
      g.writeNumberField("deviceBytes", b.deviceBytes());
      g.writeBooleanField("fits", b.fits());
      g.writeEndObject();
    }
    g.writeEndArray();
    strings(g, "notes", p.notes());
    g.writeArrayFieldStart("afterFirstRun");
    for (Plan.Check c : p.afterFirstRun()) {
      g.writeStartObject();
      g.writeStringField("code", c.code());
      g.writeStringField("message", c.message());
      g.writeStringField("action", c.action());
      g.writeStringField("source", c.source());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("flags");
    for (Plan.FlagUse f : p.flags()) {
      g.writeStartObject();
      g.writeStringField("tool", f.tool());
      g.writeStringField("flag", f.flag());
      g.writeStringField("version", f.version());
      g.writeStringField("source", f.source());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
