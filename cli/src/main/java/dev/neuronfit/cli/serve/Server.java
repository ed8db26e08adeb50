package dev.neuronfit.cli.serve;

import dev.neuronfit.Inspector;
import dev.neuronfit.cli.FitOptions;
import dev.neuronfit.cli.PlanFormat;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hub.HubId;
import dev.neuronfit.io.hub.HubModels;
import dev.neuronfit.io.hub.HubReader;
import dev.neuronfit.io.hub.HubSettings;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.plan.Plan;
import dev.neuronfit.plan.PlanOutcome;
import dev.neuronfit.report.HtmlRenderer;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.Report;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@code neuronfit serve}: the routes, in one block, and the one place where failures become HTTP
 * answers. A check is asked for by a Hub id ({@code model}), a path under the {@code --models}
 * folder ({@code path}) or an upload ({@code file}); every other parameter is one of check's
 * options ({@link CheckParams}).
 */
public final class Server implements AutoCloseable {
  /** The paths served, as metric labels (anything else is "other"). */
  static final java.util.Set<String> ROUTES =
      java.util.Set.of(
          "/",
          "/check",
          "/api/v1/check",
          "/api/v1/plan",
          "/api/v1/matrix",
          "/api/v1/models",
          "/api/v1/openapi.json",
          "/static/serve.css",
          "/static/serve.js",
          "/healthz",
          "/metrics");

  /** Room for the form fields of a multipart upload beside the file itself. */
  static final long FORM_BYTES = 64 * 1024;

  /** Finds the models a request names (reads the Hub, unpacks an upload). */
  private interface Models {
    List<ModelLocator.Located> locate() throws IOException, InterruptedException;
  }

  /** One check to run: what identifies it, its models and options, what to call it afterwards. */
  private record Job(
      String key,
      Duration ttl,
      Models models,
      FitOptions.Chosen fit,
      Runnable cleanup,
      UnaryOperator<String> scrub,
      String shown,
      Optional<String> link) {}

  private final ServeSettings settings;
  private final Path tempRoot;
  private final Optional<Path> modelsRoot;
  private final KnowledgeBase kb;
  private final Inspector inspector;
  private final ServeMetrics metrics = new ServeMetrics();
  private final CheckService checks;
  private final HubModels hub;
  private final Recent recent = new Recent();
  private final Pages pages;
  private final Javalin app;
  private ServerConnector connector;

  private Server(ServeSettings settings, Path tempRoot) throws IOException {
    this.settings = settings;
    this.tempRoot = tempRoot;
    this.modelsRoot =
        settings.models().isPresent()
            ? Optional.of(settings.models().get().toRealPath())
            : Optional.empty();
    this.kb = KnowledgeBase.load();
    this.inspector = new Inspector(kb, ReadLimits.DEFAULT);
    this.checks = new CheckService(settings, metrics);
    HubSettings hubSettings = HubSettings.fromEnvironment(settings.environment(), settings.home());
    Duration read =
        settings.deadline().compareTo(Duration.ofSeconds(30)) < 0
            ? settings.deadline()
            : Duration.ofSeconds(30);
    // the Hub client's own budget runs a little past the check's deadline, so that the deadline
    // (504) answers a stalled Hub rather than the client giving up just before it (502)
    this.hub =
        new HubModels(
            hubSettings.withTimes(
                Duration.ofSeconds(10),
                read,
                settings.deadline().plusSeconds(10),
                2,
                Duration.ofMillis(500)),
            ReadLimits.DEFAULT);
    metrics.hubBytes(hub::bytesReceived);
    this.pages = new Pages(kb);
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.multipartConfig.cacheDirectory(tempRoot.resolve("multipart").toString());
              config.jetty.multipartConfig.maxFileSize(settings.maxUploadBytes(), SizeUnit.BYTES);
              config.jetty.multipartConfig.maxTotalRequestSize(
                  settings.maxUploadBytes() + FORM_BYTES, SizeUnit.BYTES);
              config.jetty.multipartConfig.maxInMemoryFileSize(0, SizeUnit.BYTES);
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setIdleTimeout(settings.readTimeout().toMillis());
                    http.setMinRequestDataRate(settings.minBodyBytesPerSecond());
                    http.setSendServerVersion(false);
                  });
              config.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector c =
                        new ServerConnector(server, new HttpConnectionFactory(http));
                    c.setHost(settings.bind());
                    c.setPort(settings.port());
                    c.setIdleTimeout(settings.readTimeout().toMillis());
                    connector = c;
                    return c;
                  });
              config.routes.before(
                  ctx -> {
                    ctx.attribute("neuronfit.start", System.nanoTime());
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.header("Referrer-Policy", "no-referrer");
                    ctx.header("X-Frame-Options", "DENY");
                  });
              config.routes.after(ctx -> record(ctx));
              config.routes.get("/", this::index);
              config.routes.get("/check", ctx -> page(ctx, false));
              config.routes.post("/check", ctx -> page(ctx, true));
              config.routes.get("/api/v1/check", ctx -> api(ctx, false));
              config.routes.post("/api/v1/check", ctx -> api(ctx, true));
              config.routes.get("/api/v1/plan", this::plan);
              config.routes.get("/api/v1/matrix", this::matrix);
              config.routes.get("/api/v1/models", this::models);
              config.routes.get(
                  "/api/v1/openapi.json", ctx -> resource(ctx, "openapi.json", "application/json"));
              config.routes.get(
                  "/static/serve.css",
                  ctx -> resource(ctx, "serve.css", "text/css; charset=utf-8"));
              config.routes.get(
                  "/static/serve.js",
                  ctx -> resource(ctx, "serve.js", "text/javascript; charset=utf-8"));
              config.routes.get(
                  "/healthz", ctx -> ctx.contentType("text/plain; charset=utf-8").result("ok\n"));
              config.routes.get(
                  "/metrics",
                  ctx -> {
                    ctx.contentType(metrics.contentType());
                    metrics.write(ctx.outputStream());
                  });
              config.routes.exception(Exception.class, this::failure);
              config.routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null) {
                      answer(ctx, new Problems.Problem(404, "no such page: " + ctx.path()));
                    }
                  });
            });
  }

  /**
   * Starts a server; it runs until {@link #close()}.
   *
   * @throws IOException when the temporary folder cannot be made or the port is taken
   */
  public static Server start(ServeSettings settings) throws IOException {
    Path tmp =
        Files.createTempDirectory(
            "neuronfit-serve-",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    Files.createDirectory(tmp.resolve("multipart"));
    Server s = new Server(settings, tmp);
    try {
      s.app.start();
    } catch (RuntimeException e) {
      s.close();
      throw new IOException(
          "cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
    return s;
  }

  /** The port the server listens on (the one chosen when asked for port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The private folder uploads are written to; empty between checks. */
  public Path temporaryFolder() {
    return tempRoot;
  }

  /** Checks running now. */
  int activeChecks() {
    return checks.active();
  }

  // ---- routes ----

  private void index(Context ctx) {
    List<String> local =
        modelsRoot.isPresent() ? ModelShare.list(modelsRoot.orElseThrow()) : List.of();
    html(ctx, 200, pages.index(recent.list(), local, modelsRoot.isPresent()), Pages.PAGE_POLICY);
  }

  private void page(Context ctx, boolean post) throws Exception {
    Job job = job(ctx, post);
    List<Report> reports = run(ctx, job);
    StringWriter out = new StringWriter();
    new HtmlRenderer().reports(reports, out);
    html(ctx, 200, Pages.withPlans(out.toString(), reports, job.link()), Pages.REPORT_POLICY);
  }

  /** The plan of one model on one target, as {@code neuronfit plan --format F} writes it. */
  private void plan(Context ctx) throws Exception {
    String name = first(ctx.queryParams("format"));
    PlanFormat format;
    try {
      format = name.isEmpty() ? PlanFormat.md : PlanFormat.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new Problems.HttpProblem(400, "format is one of json, md, sh, py, not: " + name);
    }
    Job job = job(ctx, false);
    List<String> targets =
        ctx.queryParams("target").stream().filter(t -> t != null && !t.isBlank()).toList();
    if (targets.size() != 1) {
      throw new Problems.HttpProblem(
          400, "plan needs exactly one target (inf1, inf2, trn1, trn2 or trn3)");
    }
    String target = targets.get(0).strip();
    ctx.attribute("neuronfit.scrub", job.scrub());
    PlanOutcome outcome =
        checks
            .share(
                "plan:" + target + ":" + job.key(),
                job.ttl(),
                () -> {
                  List<ModelLocator.Located> models = job.models().locate();
                  if (models.size() != 1) {
                    throw new Problems.HttpProblem(
                        400,
                        job.shown()
                            + " holds "
                            + models.size()
                            + " models; plan takes one (name its folder or file)");
                  }
                  FitOptions.Chosen fit = job.fit();
                  return inspector.plan(
                      models.get(0),
                      fit.edition(),
                      fit.selection(),
                      fit.workload(),
                      fit.hardware(),
                      target);
                },
                job.cleanup(),
                Connections.clientGone(ctx))
            .value();
    if (outcome.plan().isEmpty()) {
      throw new Problems.HttpProblem(
          422, "no plan for " + job.shown() + " on " + target + ": " + outcome.reason());
    }
    Plan p = outcome.plan().get();
    ctx.status(200).contentType(contentType(format));
    if (format == PlanFormat.sh || format == PlanFormat.py) {
      ctx.header(
          "Content-Disposition", "attachment; filename=\"plan-" + p.target() + "." + format + "\"");
    }
    ctx.result(format.render(p).getBytes(StandardCharsets.UTF_8));
  }

  private static String contentType(PlanFormat format) {
    return switch (format) {
      case json -> "application/json";
      case md -> "text/markdown; charset=utf-8";
      case sh -> "text/x-shellscript; charset=utf-8";
      case py -> "text/x-python; charset=utf-8";
    };
  }

  private void api(Context ctx, boolean post) throws Exception {
    Job job = job(ctx, post);
    List<Report> reports = run(ctx, job);
    ctx.status(200).contentType("application/json");
    Writer w = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8);
    new JsonRenderer().reports(reports, w);
    w.flush();
  }

  private void matrix(Context ctx) throws IOException {
    List<String> args = new ArrayList<>();
    for (String name : List.of("edition", "target")) {
      for (String v : ctx.queryParams(name)) {
        args.add("--" + name);
        args.add(v);
      }
    }
    FitOptions.Chosen chosen = FitOptions.parse(kb, args);
    ctx.status(200).contentType("application/json");
    Writer w = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8);
    new JsonRenderer().matrix(chosen.edition(), chosen.targets(), w);
    w.flush();
  }

  private void models(Context ctx) {
    if (modelsRoot.isEmpty()) {
      throw new Problems.HttpProblem(404, "this server has no --models folder");
    }
    StringBuilder sb = new StringBuilder("{\"models\":[");
    List<String> names = ModelShare.list(modelsRoot.orElseThrow());
    for (int i = 0; i < names.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(Pages.jsonString(names.get(i)));
    }
    ctx.contentType("application/json").result(sb.append("]}\n").toString());
  }

  private void resource(Context ctx, String name, String type) throws IOException {
    try (InputStream in = Server.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      ctx.contentType(type).header("Cache-Control", "max-age=3600").result(in.readAllBytes());
    }
  }

  // ---- checks ----

  /** What a request asks to check; exactly one of a Hub id, a local path or an upload. */
  private Job job(Context ctx, boolean post) throws Exception {
    if (post) {
      long length = ctx.req().getContentLengthLong();
      if (length > settings.maxUploadBytes() + FORM_BYTES) {
        throw new Upload.TooLarge(settings.maxUploadBytes());
      }
    }
    Function<String, List<String>> params =
        post && ctx.isMultipartFormData()
            ? ctx::formParams
            : post ? ctx::formParams : ctx::queryParams;
    List<String> args = CheckParams.arguments(params);
    FitOptions.Chosen fit = options(args);
    String options = String.join("\u0000", args);
    String model = first(params.apply("model"));
    String path = first(params.apply("path"));
    UploadedFile file = post && ctx.isMultipartFormData() ? ctx.uploadedFile("file") : null;
    boolean hasFile = file != null && !(file.size() == 0 && file.filename().isEmpty());
    int given = (model.isEmpty() ? 0 : 1) + (path.isEmpty() ? 0 : 1) + (hasFile ? 1 : 0);
    if (given != 1) {
      throw new Problems.HttpProblem(
          400,
          given == 0
              ? "give a model: model=ORG/NAME[@REVISION], path=FOLDER under --models, or a file"
              : "give one model only: model, path or file");
    }
    if (hasFile) {
      Upload upload;
      try (InputStream in = file.content()) {
        upload = Upload.receive(in, file.filename(), tempRoot, settings.maxUploadBytes());
      } finally {
        Connections.discardParts(ctx);
      }
      return new Job(
          "upload:" + upload.sha256() + ":" + upload.name() + ":" + options,
          null,
          () -> upload.locate(ReadLimits.DEFAULT, settings.maxUploadBytes()),
          fit,
          upload::close,
          upload::scrub,
          upload.name() + " (upload)",
          Optional.empty());
    }
    if (!model.isEmpty()) {
      return hubJob(model, fit, options, args);
    }
    return localJob(path, fit, options, args);
  }

  /** Options parsed before, by their arguments: parsing builds a picocli model each time. */
  private final Map<List<String>, FitOptions.Chosen> parsed =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int PARSED_ENTRIES = 1024;

  private FitOptions.Chosen options(List<String> args) {
    FitOptions.Chosen known = parsed.get(args);
    if (known != null) {
      return known;
    }
    FitOptions.Chosen fit = FitOptions.parse(kb, args);
    if (parsed.size() >= PARSED_ENTRIES) {
      parsed.clear();
    }
    parsed.put(List.copyOf(args), fit);
    return fit;
  }

  private Job hubJob(String model, FitOptions.Chosen fit, String options, List<String> args) {
    // only ORG/NAME[@REVISION]: nothing spelt as a URL is taken, so no request names a host
    if (model.contains(":") || model.contains("//")) {
      throw new Problems.HttpProblem(
          400, "give the model as ORG/NAME[@REVISION]; URLs are not taken");
    }
    HubId id =
        HubId.parse(model)
            .orElseThrow(
                () ->
                    new Problems.HttpProblem(
                        400, "not a Hub model id (ORG/NAME[@REVISION]): " + model));
    return new Job(
        "hub:" + id.repo() + "@" + id.revision() + ":" + options,
        id.pinned() ? null : settings.cacheTtl(),
        () -> hub.locate(id),
        fit,
        () -> {},
        UnaryOperator.identity(),
        id.repo() + "@" + id.revision(),
        Optional.of("/check?" + CheckParams.query(args, Map.of("model", model))));
  }

  private Job localJob(String rel, FitOptions.Chosen fit, String options, List<String> args)
      throws IOException {
    Path root =
        modelsRoot.orElseThrow(
            () ->
                new Problems.HttpProblem(
                    400, "this server has no --models folder to take paths from"));
    Path target = ModelShare.resolve(root, rel);
    String shown = root.relativize(target).toString();
    String stamp = Files.getLastModifiedTime(target).toString();
    UnaryOperator<String> scrub = m -> m.replace(root + "/", "").replace(root.toString(), ".");
    return new Job(
        "local:" + shown + ":" + stamp + ":" + options,
        settings.cacheTtl(),
        () -> {
          List<ModelLocator.Located> found = new ArrayList<>();
          for (ModelLocator.Located m : new ModelLocator(ReadLimits.DEFAULT).locate(target)) {
            Path r = target.relativize(m.path());
            found.add(
                new ModelLocator.Located(
                    m.path(),
                    new HubReader(
                        m.reader(), target, false, shown.isEmpty() ? "." : shown, List.of()),
                    r.toString().isEmpty() ? shown : shown + "/" + r));
          }
          return found;
        },
        fit,
        () -> {},
        scrub,
        shown.isEmpty() ? "." : shown,
        Optional.of("/check?" + CheckParams.query(args, Map.of("path", rel))));
  }

  private List<Report> inspect(List<ModelLocator.Located> models, FitOptions.Chosen fit)
      throws IOException, InterruptedException {
    List<Report> reports = new ArrayList<>();
    for (ModelLocator.Located m : models) {
      if (Thread.interrupted()) {
        throw new InterruptedException("cancelled");
      }
      reports.add(
          inspector.inspect(m, fit.edition(), fit.selection(), fit.workload(), fit.hardware()));
    }
    return reports;
  }

  private List<Report> run(Context ctx, Job job) throws Exception {
    ctx.attribute("neuronfit.scrub", job.scrub());
    CheckService.Outcome outcome =
        checks.check(
            job.key(),
            job.ttl(),
            () -> inspect(job.models().locate(), job.fit()),
            job.cleanup(),
            Connections.clientGone(ctx));
    recent.add(job.shown(), job.link(), outcome.reports());
    return outcome.reports();
  }

  private static String first(List<String> values) {
    return values.isEmpty() || values.get(0) == null ? "" : values.get(0).strip();
  }

  // ---- answers ----

  private void failure(Exception e, Context ctx) {
    if (Boolean.getBoolean("neuronfit.serve.debug")) {
      e.printStackTrace();
    }
    UnaryOperator<String> scrub = ctx.attribute("neuronfit.scrub");
    UnaryOperator<String> s = scrub == null ? UnaryOperator.identity() : scrub;
    Problems.Problem p = Problems.of(e, s);
    if (p.status() == 413) {
      // the rest of the body is not read: the connection goes
      ctx.header("Connection", "close");
    }
    if (p.status() == 503) {
      ctx.header("Retry-After", Long.toString(Math.max(1, settings.deadline().toSeconds() / 4)));
    }
    if (p.status() == 499) {
      ctx.status(499);
      return;
    }
    if (p.status() != 413) {
      drainSmallBody(ctx);
    }
    if ("POST".equals(ctx.req().getMethod())) {
      // after a failed post the body may be partly unread, and the server then closes the
      // connection once the answer is out; saying so keeps a client from sending its next
      // request on a connection that is about to close
      ctx.header("Connection", "close");
    }
    answer(ctx, p);
  }

  /** The most of an unread request body read before an error answer. */
  private static final long DRAIN_LIMIT = 1 << 20;

  /**
   * Reads what is left of a small request body before an error answer: a connection closed with
   * unread bytes in its receive buffer is reset, and the reset can reach the client before it has
   * read the answer (seen as "header parser received no bytes" on a malformed multipart post).
   */
  private static void drainSmallBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length < 0 || length > DRAIN_LIMIT || !"POST".equals(ctx.req().getMethod())) {
      return;
    }
    try {
      ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      // already consumed by a parser, or the client went: nothing left to drain
    }
  }

  private void answer(Context ctx, Problems.Problem p) {
    if (ctx.path().startsWith("/api/")) {
      ctx.status(p.status())
          .contentType("application/json")
          .result(
              "{\"status\":" + p.status() + ",\"error\":" + Pages.jsonString(p.message()) + "}\n");
    } else {
      html(ctx, p.status(), pages.problem(p.status(), p.message()), Pages.PAGE_POLICY);
    }
  }

  private static void html(Context ctx, int status, String body, String policy) {
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .header("Content-Security-Policy", policy)
        .result(body);
  }

  private void record(Context ctx) {
    Long start = ctx.attribute("neuronfit.start");
    String route = ROUTES.contains(ctx.path()) ? ctx.path() : "other";
    metrics.request(route, ctx.status().getCode(), start == null ? 0 : System.nanoTime() - start);
  }

  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      checks.close();
      Upload.deleteTree(tempRoot);
    }
  }
}
