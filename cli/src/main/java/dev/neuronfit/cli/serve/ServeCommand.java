package dev.neuronfit.cli.serve;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code neuronfit serve}: the check as a web page and an HTTP API. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the check as a web page and an HTTP API (GET /api/v1/check?model=ORG/NAME,"
          + " POST /api/v1/check with a model file, /api/v1/matrix, /healthz, /metrics).",
      "Hub ids are resolved against HF_ENDPOINT only; no URL from a request is fetched."
    },
    sortOptions = false)
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Where the Hub settings come from; tests give their own. */
  Map<String, String> environment = System.getenv();

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port to listen on (default ${DEFAULT-VALUE}; 0 for any free port).")
  int port = ServeSettings.DEFAULT_PORT;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
  String bind = ServeSettings.DEFAULT_BIND;

  @Option(
      names = "--models",
      paramLabel = "DIR",
      description =
          "A folder of models that may be checked by their path under it; no other local path is"
              + " reachable from a request.")
  Path models;

  @Option(
      names = "--max-upload",
      paramLabel = "SIZE",
      description = "Largest upload, e.g. 500m or 2g (default 2g).")
  String maxUpload = "2g";

  @Option(
      names = "--deadline",
      paramLabel = "SECONDS",
      description = "Longest time one check may take, queue included (default ${DEFAULT-VALUE}).")
  int deadlineSeconds = 120;

  @Option(
      names = "--checks",
      paramLabel = "N",
      description = "Checks run at once (default: the number of processors).")
  Integer checks;

  @Option(
      names = "--queue",
      paramLabel = "N",
      description = "Checks that may wait for a free slot; more are answered 503 (default 32).")
  int queue = 32;

  @Option(
      names = "--read-timeout",
      paramLabel = "SECONDS",
      description = "Longest wait for the next bytes of a request, headers or body (default 30).")
  int readTimeoutSeconds = 30;

  /** For the launcher's class-list training run: start, then stop at once. */
  @Option(names = "--exit-after-start", hidden = true)
  boolean exitAfterStart;

  @Override
  public Integer call() throws Exception {
    ServeSettings d = ServeSettings.defaults(environment, Path.of(System.getProperty("user.home")));
    if (models != null && !Files.isDirectory(models)) {
      throw new ParameterException(spec.commandLine(), "--models " + models + " is not a folder");
    }
    if (deadlineSeconds < 1
        || readTimeoutSeconds < 1
        || queue < 0
        || (checks != null && checks < 1)) {
      throw new ParameterException(
          spec.commandLine(),
          "--deadline, --read-timeout and --checks must be positive, --queue not negative");
    }
    ServeSettings settings;
    try {
      settings =
          new ServeSettings(
              bind,
              port,
              Optional.ofNullable(models),
              size(maxUpload),
              Duration.ofSeconds(deadlineSeconds),
              checks == null ? d.checksInFlight() : checks,
              queue,
              d.cacheEntries(),
              d.cacheTtl(),
              Duration.ofSeconds(readTimeoutSeconds),
              d.minBodyBytesPerSecond(),
              environment,
              d.home());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (Server server = Server.start(settings)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      PrintWriter out = spec.commandLine().getOut();
      String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
      out.println("neuronfit serve: listening on http://" + host + ":" + server.port() + "/");
      out.flush();
      if (!exitAfterStart) {
        stopped.await();
      }
    }
    return 0;
  }

  /** A size like 2g, 500m, 64k or a number of bytes. */
  private long size(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
      unit =
          switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
          };
      v = v.substring(0, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n < 1 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), "--max-upload must be a size like 500m or 2g, found " + s);
    }
  }
}
