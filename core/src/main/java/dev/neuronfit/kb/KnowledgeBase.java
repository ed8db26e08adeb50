package dev.neuronfit.kb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.JsonTreeBuilder;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guideline editions, the Neuron packages, the Hugging Face catalogue and the Neuron operator
 * lists, loaded from data files under {@code dev/neuronfit/kb/} on the class path. Editions, the
 * catalogue and the operator lists are parsed on first use and cached.
 *
 * <p>The data files ship with neuronfit, so a malformed one is our bug: loading throws {@link
 * IllegalStateException}, never a model-format error.
 */
public final class KnowledgeBase {
  private static final String ROOT = "/dev/neuronfit/kb/";

  private final JsonFactory json = new JsonFactory();
  private final List<String> editionIds;
  private final Map<String, NeuronPackage> packages;
  private final Map<String, Edition> editions = new ConcurrentHashMap<>();
  private volatile HfCatalogue catalogue;
  private volatile Hardware hardware;
  private volatile OperatorLists operatorLists;
  private volatile SupportNow supportNow;
  private volatile PlanFlags planFlags;

  private KnowledgeBase() {
    JsonNode index = readJson("editions/index.json");
    List<String> ids = new ArrayList<>();
    index.get("editions").forEach(e -> ids.add(e.asText()));
    if (ids.isEmpty()) {
      throw new IllegalStateException("kb/editions/index.json lists no edition");
    }
    this.editionIds = List.copyOf(ids);
    Map<String, NeuronPackage> pkgs = new LinkedHashMap<>();
    for (JsonNode p : readJson("packages.json").get("packages")) {
      String fw = text(p, "framework");
      NeuronPackage pkg =
          new NeuronPackage(
              text(p, "id"),
              Framework.fromId(fw)
                  .orElseThrow(() -> new IllegalStateException("unknown framework " + fw)),
              text(p, "name"),
              text(p, "neuronCore"));
      pkgs.put(pkg.id(), pkg);
    }
    this.packages = Map.copyOf(pkgs);
  }

  /** Loads the knowledge base shipped in neuronfit's resources. */
  public static KnowledgeBase load() {
    return new KnowledgeBase();
  }

  /** Edition ids, oldest first. */
  public List<String> editionIds() {
    return editionIds;
  }

  /** The id of the newest edition, used when none is asked for. */
  public String defaultEditionId() {
    return editionIds.get(editionIds.size() - 1);
  }

  /** The edition with this id, or empty when neuronfit has no such edition. */
  public Optional<Edition> edition(String id) {
    if (!editionIds.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(editions.computeIfAbsent(id, this::parseEdition));
  }

  public Edition defaultEdition() {
    return edition(defaultEditionId()).orElseThrow();
  }

  /** The built-in Neuron hardware figures (kb/hardware.json). */
  public Hardware hardware() {
    Hardware h = hardware;
    if (h == null) {
      h = Hardware.parse(readJson("hardware.json"), "neuronfit kb/hardware.json");
      hardware = h;
    }
    return h;
  }

  /** The dated support-now layer (kb/support-now.json), parsed on first use. */
  public SupportNow supportNow() {
    SupportNow s = supportNow;
    if (s == null) {
      try {
        s = SupportNow.parse(readJson("support-now.json"));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("kb/support-now.json: " + e.getMessage(), e);
      }
      supportNow = s;
    }
    return s;
  }

  /** The flags plans may write, with their sources (kb/plan-flags.json), parsed on first use. */
  public PlanFlags planFlags() {
    PlanFlags f = planFlags;
    if (f == null) {
      try {
        f = PlanFlags.parse(readJson("plan-flags.json"));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("kb/plan-flags.json: " + e.getMessage(), e);
      }
      planFlags = f;
    }
    return f;
  }

  /** The Hugging Face model-type catalogue. */
  public HfCatalogue catalogue() {
    HfCatalogue c = catalogue;
    if (c == null) {
      try (InputStream in = open("hf-catalogue.tsv")) {
        c = HfCatalogue.parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      catalogue = c;
    }
    return c;
  }

  /**
   * The Neuron operator lists ({@code operator-lists.json}), parsed on first use: only graph models
   * need them, so reports of other models never pay for them.
   */
  public OperatorLists operatorLists() {
    OperatorLists l = operatorLists;
    if (l == null) {
      l = OperatorLists.parse(readJson("operator-lists.json"));
      operatorLists = l;
    }
    return l;
  }

  public Optional<NeuronPackage> neuronPackage(String id) {
    return Optional.ofNullable(packages.get(id));
  }

  private Edition parseEdition(String id) {
    JsonNode e = readJson("editions/" + id + ".json");
    if (!id.equals(text(e, "edition"))) {
      throw new IllegalStateException(
          "kb/editions/" + id + ".json declares edition " + text(e, "edition"));
    }
    JsonNode s = e.get("source");
    SourceRef source =
        new SourceRef(
            text(s, "repository"),
            text(s, "path"),
            text(s, "ref"),
            text(s, "commit"),
            text(s, "url"));
    List<Target> targets = new ArrayList<>();
    for (JsonNode t : e.get("targets")) {
      Set<UseCase> useCases = EnumSet.noneOf(UseCase.class);
      for (JsonNode w : t.get("workloads")) {
        useCases.add(UseCase.fromId(w.asText()).orElseThrow(() -> bad(id, "workload " + w)));
      }
      targets.add(
          new Target(
              text(t, "target"),
              text(t, "name"),
              text(t, "neuronCore"),
              text(t, "table"),
              useCases));
    }
    List<FitTable> tables = new ArrayList<>();
    for (JsonNode t : e.get("tables")) {
      tables.add(parseTable(id, t));
    }
    List<Guidance> guidance = new ArrayList<>();
    for (JsonNode g : e.get("guidance")) {
      List<String> gt = new ArrayList<>();
      g.get("targets").forEach(x -> gt.add(x.asText()));
      guidance.add(
          new Guidance(
              family(id, text(g, "family")),
              gt,
              text(g, "kind"),
              text(g, "text"),
              section(g.get("section"))));
    }
    List<KnownIssue> issues = new ArrayList<>();
    for (JsonNode k : e.get("knownIssues")) {
      List<String> kt = new ArrayList<>();
      k.get("targets").forEach(x -> kt.add(x.asText()));
      List<String> kp = new ArrayList<>();
      k.get("packages").forEach(x -> kp.add(x.asText()));
      List<KnownIssue.Workaround> ws = new ArrayList<>();
      for (JsonNode w : k.get("workarounds")) {
        ws.add(new KnownIssue.Workaround(text(w, "package"), text(w, "text"), text(w, "source")));
      }
      JsonNode limit = k.get("limitBytes");
      issues.add(
          new KnownIssue(
              text(k, "id"),
              text(k, "title"),
              section(k.get("section")),
              kt,
              kp,
              limit == null ? OptionalLong.empty() : OptionalLong.of(limit.asLong()),
              text(k, "summary"),
              ws));
    }
    return new Edition(
        id,
        text(e, "neuronReleases"),
        source,
        text(e, "footnote"),
        targets,
        tables,
        guidance,
        issues);
  }

  private FitTable parseTable(String edition, JsonNode t) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : t.get("columns")) {
      String pkgId = text(c, "package");
      NeuronPackage pkg = neuronPackage(pkgId).orElseThrow(() -> bad(edition, "package " + pkgId));
      JsonNode w = c.get("workload");
      Optional<UseCase> useCase =
          w == null || w.isNull()
              ? Optional.empty()
              : Optional.of(
                  UseCase.fromId(w.asText()).orElseThrow(() -> bad(edition, "workload " + w)));
      columns.add(new Column(pkg, useCase, text(c, "header")));
    }
    List<FitRow> rows = new ArrayList<>();
    for (JsonNode r : t.get("rows")) {
      List<SupportStatus> cells = new ArrayList<>();
      for (JsonNode cell : r.get("support")) {
        cells.add(
            SupportStatus.fromLabel(cell.asText())
                .orElseThrow(() -> bad(edition, "status " + cell)));
      }
      String fit = text(r, "fit");
      rows.add(
          new FitRow(
              family(edition, text(r, "family")),
              text(r, "label"),
              text(r, "category"),
              Fit.fromLabel(fit).orElseThrow(() -> bad(edition, "fit " + fit)),
              cells));
    }
    List<String> headers = new ArrayList<>();
    t.get("headers").forEach(h -> headers.add(h.asText()));
    return new FitTable(
        text(t, "id"),
        text(t, "title"),
        text(t, "lastUpdate"),
        text(t, "neuronCore"),
        section(t.get("section")),
        headers,
        columns,
        rows);
  }

  private static Section section(JsonNode s) {
    JsonNode a = s.get("anchor");
    return new Section(text(s, "title"), a == null ? Optional.empty() : Optional.of(a.asText()));
  }

  private static Family family(String edition, String id) {
    return Family.fromId(id).orElseThrow(() -> bad(edition, "family " + id));
  }

  private static IllegalStateException bad(String edition, String what) {
    return new IllegalStateException("kb/editions/" + edition + ".json: unknown " + what);
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalStateException("knowledge base: missing string \"" + key + "\" in " + n);
    }
    return v.asText();
  }

  private JsonNode readJson(String name) {
    try (InputStream in = open(name)) {
      try (JsonParser p = json.createParser(in)) {
        return JsonTreeBuilder.read(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read knowledge base file " + name, e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = KnowledgeBase.class.getResourceAsStream(ROOT + name);
    if (in == null) {
      throw new IllegalStateException("knowledge base file missing from the class path: " + name);
    }
    return in;
  }
}
