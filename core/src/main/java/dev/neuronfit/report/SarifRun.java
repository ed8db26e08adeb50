package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Section;
import dev.neuronfit.model.Family;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.RuleInfo;
import dev.neuronfit.rules.RuleRegistry;
import dev.neuronfit.rules.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One SARIF 2.1.0 log with one run, written as it goes: {@link #begin} writes the tool and its
 * rules, {@link #results} a report's findings, {@link #unreadable} records a model that could not
 * be read, and {@link #end} writes those as tool execution notifications and closes the log. The
 * field names and their meaning are those of the OASIS SARIF 2.1.0 standard (section numbers below
 * are its). Shared by {@link SarifRenderer} (check) and {@link ScanSarifRenderer} (scan).
 */
final class SarifRun {
  /** The schema's own id (SARIF 2.1.0 errata 01), which consumers use to tell the version. */
  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  /**
   * The key of {@code partialFingerprints} (§3.27.17); the value is a hash of the rule, the target
   * and the model path, so the same finding on the same model has the same value in every run.
   */
  static final String FINGERPRINT = "neuronfitFinding/v1";

  /** Relative artifact URIs are relative to the directory neuronfit ran in (§3.4.4). */
  static final String BASE_ID = "%SRCROOT%";

  private final Writer out;
  private final Edition edition;
  private final String toolVersion;
  private final Path workingDir;
  private final List<String[]> unreadable = new ArrayList<>();
  private JsonGenerator g;

  /**
   * @param workingDir the absolute directory model paths are made relative to
   */
  SarifRun(Writer out, Edition edition, String toolVersion, Path workingDir) {
    this.out = out;
    this.edition = edition;
    this.toolVersion = toolVersion;
    this.workingDir = workingDir.toAbsolutePath().normalize();
  }

  private void step(JsonStep s) {
    JsonStep.run(g, s);
  }

  void begin() {
    try {
      g = JsonRenderer.generator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    step(
        () -> {
          g.writeStartObject();
          g.writeStringField("$schema", SCHEMA);
          g.writeStringField("version", "2.1.0");
          g.writeArrayFieldStart("runs");
          g.writeStartObject();
          tool();
          g.writeArrayFieldStart("results");
        });
  }

  /** The tool component (§3.19) with the knowledge base it answered from, and every rule. */
  private void tool() throws IOException {
    g.writeObjectFieldStart("tool");
    g.writeObjectFieldStart("driver");
    g.writeStringField("name", "neuronfit");
    g.writeStringField("version", toolVersion);
    g.writeObjectFieldStart("properties");
    g.writeObjectFieldStart("knowledgeBase");
    g.writeStringField("edition", edition.id());
    g.writeStringField("neuronReleases", edition.neuronReleases());
    g.writeStringField("source", edition.source().url());
    g.writeStringField("ref", edition.source().ref());
    g.writeStringField("commit", edition.source().commit());
    g.writeArrayFieldStart("lastUpdate");
    for (String d : lastUpdates()) {
      g.writeString(d);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
    g.writeArrayFieldStart("rules");
    for (var rule : RuleRegistry.rules()) {
      rule(rule.info());
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The "Last update" dates of the edition's tables, as printed, each once. */
  private List<String> lastUpdates() {
    Set<String> dates = new LinkedHashSet<>();
    for (FitTable t : edition.tables()) {
      dates.add(t.lastUpdate());
    }
    return List.copyOf(dates);
  }

  /** A reporting descriptor (§3.49). */
  private void rule(RuleInfo info) throws IOException {
    List<Citation> citations = citations(info.source());
    g.writeStartObject();
    g.writeStringField("id", info.id());
    g.writeObjectFieldStart("shortDescription");
    g.writeStringField("text", info.title());
    g.writeEndObject();
    g.writeObjectFieldStart("fullDescription");
    g.writeStringField("text", fullDescription(info));
    g.writeEndObject();
    Optional<String> link = citations.stream().flatMap(c -> c.url().stream()).findFirst();
    if (link.isPresent()) {
      g.writeStringField("helpUri", link.get());
    }
    g.writeObjectFieldStart("help");
    g.writeStringField("text", helpText(info, citations));
    g.writeStringField("markdown", helpMarkdown(info, citations));
    g.writeEndObject();
    g.writeObjectFieldStart("defaultConfiguration");
    g.writeStringField("level", level(info.severity()));
    g.writeEndObject();
    g.writeObjectFieldStart("properties");
    strings("targets", info.targets());
    strings("packages", info.packages());
    strings("families", info.families().stream().map(Family::id).toList());
    g.writeStringField("source", info.source());
    g.writeStringField("since", info.since());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String fullDescription(RuleInfo info) {
    StringBuilder sb = new StringBuilder(info.title()).append('.');
    if (!info.targets().isEmpty()) {
      sb.append(" Targets: ").append(String.join(", ", info.targets())).append('.');
    }
    if (!info.packages().isEmpty()) {
      sb.append(" Packages: ").append(String.join(", ", info.packages())).append('.');
    }
    if (!info.families().isEmpty()) {
      sb.append(" Families: ")
          .append(String.join(", ", info.families().stream().map(Family::id).toList()))
          .append('.');
    }
    return sb.toString();
  }

  private static String helpText(RuleInfo info, List<Citation> citations) {
    StringBuilder sb = new StringBuilder(info.title()).append(".\nSource: ");
    for (int i = 0; i < citations.size(); i++) {
      Citation c = citations.get(i);
      sb.append(i == 0 ? "" : "; ").append(c.text());
      c.url().ifPresent(u -> sb.append(" <").append(u).append('>'));
    }
    return sb.append("\nRule: docs/rules.md#").append(info.id()).toString();
  }

  private static String helpMarkdown(RuleInfo info, List<Citation> citations) {
    StringBuilder sb = new StringBuilder(markdown(info.title())).append(".\n\nSource: ");
    for (int i = 0; i < citations.size(); i++) {
      Citation c = citations.get(i);
      sb.append(i == 0 ? "" : "; ");
      if (c.url().isPresent()) {
        sb.append('[').append(markdown(c.text())).append("](").append(c.url().get()).append(')');
      } else {
        sb.append(markdown(c.text()));
      }
    }
    return sb.append("\n\nRule: `")
        .append(info.id())
        .append("` in neuronfit's docs/rules.md")
        .toString();
  }

  /**
   * Markdown's punctuation escaped, so titles such as {@code torch.load (weights_only)} stay text.
   */
  private static String markdown(String s) {
    return s.replaceAll("([\\\\`*_\\[\\]<>#|])", "\\\\$1");
  }

  /** A part of a rule's source, with a link when it names a section of the edition's page. */
  private record Citation(String text, Optional<String> url) {}

  /**
   * A rule's source is one or more parts separated by {@code "; "}, each written {@code Heading ›
   * Sub [label]} as rules write them. A part is a section of the edition's page when its first
   * heading is a heading of the page (of the table, guidance and known-issue sections the edition
   * records), or the start of one up to its comma ({@code Encoder-decoder models} for {@code
   * Encoder-decoder models, or sequence-to-sequence models with Transformers}).
   */
  private List<Citation> citations(String source) {
    Set<String> headings = new LinkedHashSet<>();
    List<Section> sections = new ArrayList<>();
    edition.tables().forEach(t -> sections.add(t.section()));
    edition.guidance().forEach(gd -> sections.add(gd.section()));
    edition.knownIssues().forEach(k -> sections.add(k.section()));
    for (Section sec : sections) {
      for (String h : sec.title().split(" › ")) {
        headings.add(h.strip());
      }
    }
    List<Citation> out = new ArrayList<>();
    for (String raw : source.split("; ")) {
      String part = raw.strip();
      Section section = section(part);
      String[] path = section.title().split(" › ", 2);
      Optional<String> heading =
          headings.stream()
              .filter(h -> h.equals(path[0].strip()) || h.startsWith(path[0].strip() + ","))
              .findFirst();
      if (heading.isPresent()) {
        Section full =
            new Section(heading.get() + (path.length > 1 ? " › " + path[1] : ""), section.anchor());
        out.add(
            new Citation(
                edition.source().cite() + " § " + part,
                Optional.of(GuidelineLinks.url(edition, full))));
      } else {
        out.add(new Citation(part, Optional.empty()));
      }
    }
    return out;
  }

  private static Section section(String part) {
    int open = part.lastIndexOf(" [");
    if (part.endsWith("]") && open > 0) {
      return new Section(
          part.substring(0, open), Optional.of(part.substring(open + 2, part.length() - 1)));
    }
    return new Section(part, Optional.empty());
  }

  /** SARIF's levels (§3.27.10); neuronfit's info is SARIF's note. */
  static String level(Severity s) {
    return switch (s) {
      case ERROR -> "error";
      case WARNING -> "warning";
      case INFO -> "note";
    };
  }

  /** One result (§3.27) per finding of the report. */
  void results(Report r) {
    step(
        () -> {
          String uri = uri(r.model().path());
          for (Finding f : r.findings()) {
            result(f, uri);
          }
        });
  }

  private void result(Finding f, String uri) throws IOException {
    g.writeStartObject();
    g.writeStringField("ruleId", f.rule());
    int index = ruleIndex(f.rule());
    if (index >= 0) {
      g.writeNumberField("ruleIndex", index);
    }
    g.writeStringField("level", level(f.severity()));
    g.writeObjectFieldStart("message");
    g.writeStringField(
        "text", f.message() + "\nObserved: " + f.observed() + "\nAdvice: " + f.advice());
    g.writeEndObject();
    g.writeArrayFieldStart("locations");
    location(uri);
    g.writeEndArray();
    g.writeObjectFieldStart("partialFingerprints");
    g.writeStringField(FINGERPRINT, fingerprint(f.rule(), f.target(), uri));
    g.writeEndObject();
    g.writeObjectFieldStart("properties");
    if (f.target().isPresent()) {
      g.writeStringField("target", f.target().get());
    } else {
      g.writeNullField("target");
    }
    g.writeStringField("severity", f.severity().id());
    g.writeStringField("observed", f.observed());
    g.writeStringField("guideline", f.guideline());
    g.writeStringField("advice", f.advice());
    g.writeStringField("source", f.source());
    Optional<Section> section = GuidelineLinks.section(edition, f.source());
    if (section.isPresent()) {
      g.writeStringField("sourceUrl", GuidelineLinks.url(edition, section.get()));
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static int ruleIndex(String id) {
    var rules = RuleRegistry.rules();
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).info().id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private void location(String uri) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("physicalLocation");
    g.writeObjectFieldStart("artifactLocation");
    g.writeStringField("uri", uri);
    if (!uri.startsWith("file:")) {
      g.writeStringField("uriBaseId", BASE_ID);
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** A model that could not be read: a tool execution notification at {@link #end}. */
  void unreadable(String path, String error) {
    unreadable.add(new String[] {path, error});
  }

  void end() {
    step(
        () -> {
          g.writeEndArray();
          g.writeArrayFieldStart("invocations");
          g.writeStartObject();
          g.writeBooleanField("executionSuccessful", unreadable.isEmpty());
          g.writeArrayFieldStart("toolExecutionNotifications");
          for (String[] u : unreadable) {
            g.writeStartObject();
            g.writeStringField("level", "error");
            g.writeObjectFieldStart("message");
            g.writeStringField("text", u[1]);
            g.writeEndObject();
            g.writeArrayFieldStart("locations");
            location(uri(u[0]));
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
        });
    try {
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The model's path as a URI reference: relative to the working directory, with {@code /}
   * separators and percent-encoding, when the path is relative or lies under it; else a {@code
   * file:} URI.
   */
  String uri(String path) {
    Path p = Path.of(path).normalize();
    if (p.isAbsolute() && p.startsWith(workingDir)) {
      p = workingDir.relativize(p);
    }
    try {
      if (p.isAbsolute()) {
        return new URI("file", "", slashes(p.getRoot(), p), null, null).toASCIIString();
      }
      String rel = slashes(null, p);
      // a first segment with a colon would read as a scheme (RFC 3986 §4.2)
      if (p.getNameCount() > 0 && p.getName(0).toString().contains(":")) {
        rel = "./" + rel;
      }
      return new URI(null, null, rel.isEmpty() ? "." : rel, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot make a URI of " + path, e);
    }
  }

  private static String slashes(Path root, Path p) {
    StringBuilder sb = new StringBuilder();
    if (root != null) {
      String r = root.toString().replace('\\', '/');
      sb.append(r.startsWith("/") ? r : "/" + r);
    }
    for (int i = 0; i < p.getNameCount(); i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(p.getName(i));
    }
    return sb.toString();
  }

  /** SHA-256 of the rule id, the target ({@code *} for all) and the model's URI, in hex. */
  static String fingerprint(String rule, Optional<String> target, String uri) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String key = rule + "\n" + target.orElse("*") + "\n" + uri;
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private void strings(String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
