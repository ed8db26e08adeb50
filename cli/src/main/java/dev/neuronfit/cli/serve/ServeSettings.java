package dev.neuronfit.cli.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server runs: where it listens, what it serves, and its limits.
 *
 * @param bind the address to listen on (127.0.0.1 unless asked otherwise)
 * @param port the port, 0 for any free one
 * @param models the folder whose models may be checked by relative path, if any; no other local
 *     path is reachable from a request
 * @param maxUploadBytes the largest upload, and the most an uploaded archive may unpack to
 * @param deadline how long one check may take from the moment it is accepted, queue included
 * @param checksInFlight how many checks run at once
 * @param queue how many accepted checks may wait for a free slot; more are answered 503
 * @param cacheEntries how many results are kept
 * @param cacheTtl how long a result of a branch revision or a local folder is trusted
 * @param readTimeout how long the server waits for the next bytes of a request (headers or body)
 * @param minBodyBytesPerSecond the slowest upload accepted, averaged over the body so far
 * @param environment where the Hub settings come from (HF_ENDPOINT, HF_TOKEN, caches)
 * @param home the user's home folder, for the default caches
 */
public record ServeSettings(
    String bind,
    int port,
    Optional<Path> models,
    long maxUploadBytes,
    Duration deadline,
    int checksInFlight,
    int queue,
    int cacheEntries,
    Duration cacheTtl,
    Duration readTimeout,
    long minBodyBytesPerSecond,
    Map<String, String> environment,
    Path home) {
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_UPLOAD = 2L * 1024 * 1024 * 1024;

  public ServeSettings {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    Objects.requireNonNull(readTimeout, "readTimeout");
    environment = Map.copyOf(environment);
    Objects.requireNonNull(home, "home");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, found " + port);
    }
    if (maxUploadBytes < 1 || checksInFlight < 1 || queue < 0 || cacheEntries < 0) {
      throw new IllegalArgumentException(
          "upload limit and checks in flight must be positive, queue and cache not negative");
    }
  }

  /** The defaults of {@code neuronfit serve} for an environment and home folder. */
  public static ServeSettings defaults(Map<String, String> environment, Path home) {
    return new ServeSettings(
        DEFAULT_BIND,
        DEFAULT_PORT,
        Optional.empty(),
        DEFAULT_MAX_UPLOAD,
        Duration.ofSeconds(120),
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        32,
        1024,
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        64 * 1024,
        environment,
        home);
  }

  /** These settings with another address and port. */
  public ServeSettings listening(String newBind, int newPort) {
    return new ServeSettings(
        newBind,
        newPort,
        models,
        maxUploadBytes,
        deadline,
        checksInFlight,
        queue,
        cacheEntries,
        cacheTtl,
        readTimeout,
        minBodyBytesPerSecond,
        environment,
        home);
  }
}
