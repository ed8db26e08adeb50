package dev.neuronfit.io.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach the Hub and where the caches are, read from the environment variables that
 * huggingface_hub documents ({@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HOME}, {@code
 * HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}) and the XDG base directory for neuronfit's own cache.
 *
 * @param endpoint the Hub's base URL, without a trailing slash
 * @param token the access token, empty when none is set; never shown anywhere
 * @param tokenSource where the token came from, for messages ({@code HF_TOKEN} or the file name)
 * @param offline whether no request may be made
 * @param cacheRoot neuronfit's cache of Hub files ({@code .../neuronfit/hub})
 * @param hfCache huggingface_hub's cache, read but never written
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long one response may take, headers and body
 * @param deadline how long one model's requests may take in all, retries included
 * @param retries how many times a 429, 5xx or broken response is tried again
 * @param backoff the first wait before a retry, doubled each time (a Retry-After wins)
 * @param concurrency how many requests run at once ({@code NEURONFIT_HUB_CONCURRENCY}, default
 *     {@value #DEFAULT_CONCURRENCY}, at most {@value #MAX_CONCURRENCY})
 * @param proxies the proxy environment ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY})
 * @param refTtl how long a branch's commit is trusted before it is asked again
 */
public record HubSettings(
    URI endpoint,
    Optional<String> token,
    String tokenSource,
    boolean offline,
    Path cacheRoot,
    Path hfCache,
    Duration connectTimeout,
    Duration readTimeout,
    Duration deadline,
    int retries,
    Duration backoff,
    int concurrency,
    Map<String, String> proxies,
    Duration refTtl) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  /**
   * Requests in flight at once by default. Header reads are small and wait on the round trip, not
   * the bandwidth: 64 at once take Llama-3.1-405B's 191 shards in three waves of two round trips
   * (the Hub's redirect, then the range), where 16 took twelve (bench/README.md).
   */
  public static final int DEFAULT_CONCURRENCY = 64;

  /** The most requests in flight that {@code NEURONFIT_HUB_CONCURRENCY} may ask for. */
  public static final int MAX_CONCURRENCY = 256;

  public HubSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(cacheRoot, "cacheRoot");
    Objects.requireNonNull(hfCache, "hfCache");
    proxies = Map.copyOf(proxies);
    if (concurrency < 1 || retries < 0) {
      throw new IllegalArgumentException("concurrency must be positive and retries not negative");
    }
  }

  /** Settings from an environment (normally {@code System.getenv()}) and the user's home folder. */
  public static HubSettings fromEnvironment(Map<String, String> env, Path home) throws IOException {
    String endpoint = nonBlank(env.get("HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT);
    URI uri = URI.create(endpoint.replaceAll("/+$", ""));
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null) {
      throw new HubException("HF_ENDPOINT " + endpoint + " is not an http(s) URL");
    }
    Path hfHome =
        nonBlank(env.get("HF_HOME"))
            .map(Path::of)
            .orElse(xdgCache(env, home).resolve("huggingface"));
    Optional<String> token = nonBlank(env.get("HF_TOKEN"));
    String source = "HF_TOKEN";
    if (token.isEmpty()) {
      Path file = nonBlank(env.get("HF_TOKEN_PATH")).map(Path::of).orElse(hfHome.resolve("token"));
      if (Files.isRegularFile(file) && Files.size(file) < 4096) {
        token = nonBlank(Files.readString(file, StandardCharsets.UTF_8));
        source = file.toString();
      }
    }
    Path hfCache =
        nonBlank(env.get("HF_HUB_CACHE"))
            .or(() -> nonBlank(env.get("HUGGINGFACE_HUB_CACHE")))
            .map(Path::of)
            .orElse(hfHome.resolve("hub"));
    boolean offline = truthy(env.get("HF_HUB_OFFLINE"));
    Map<String, String> proxies = new java.util.HashMap<>();
    for (String k : new String[] {"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"}) {
      nonBlank(env.get(k))
          .or(() -> nonBlank(env.get(k.toLowerCase(java.util.Locale.ROOT))))
          .ifPresent(v -> proxies.put(k, v));
    }
    int concurrency = DEFAULT_CONCURRENCY;
    Optional<String> c = nonBlank(env.get("NEURONFIT_HUB_CONCURRENCY"));
    if (c.isPresent()) {
      if (!c.get().matches("\\d{1,3}")
          || Integer.parseInt(c.get()) < 1
          || Integer.parseInt(c.get()) > MAX_CONCURRENCY) {
        throw new HubException(
            "NEURONFIT_HUB_CONCURRENCY="
                + c.get()
                + " is not a number of requests from 1 to "
                + MAX_CONCURRENCY);
      }
      concurrency = Integer.parseInt(c.get());
    }
    return new HubSettings(
        uri,
        token.map(String::strip),
        source,
        offline,
        xdgCache(env, home).resolve("neuronfit").resolve("hub"),
        hfCache,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(120),
        4,
        Duration.ofMillis(500),
        concurrency,
        proxies,
        Duration.ofHours(24));
  }

  /** The same settings with other time limits (tests use small ones). */
  public HubSettings withTimes(
      Duration connect, Duration read, Duration total, int retries, Duration backoff) {
    return new HubSettings(
        endpoint,
        token,
        tokenSource,
        offline,
        cacheRoot,
        hfCache,
        connect,
        read,
        total,
        retries,
        backoff,
        concurrency,
        proxies,
        refTtl);
  }

  /** The model page of a repository, for messages. */
  String page(HubId id) {
    return endpoint + "/" + id.repo();
  }

  private static Path xdgCache(Map<String, String> env, Path home) {
    return nonBlank(env.get("XDG_CACHE_HOME")).map(Path::of).orElse(home.resolve(".cache"));
  }

  private static boolean truthy(String v) {
    return v != null
        && Set.of("1", "true", "yes", "on").contains(v.strip().toLowerCase(java.util.Locale.ROOT));
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  @Override
  public String toString() {
    // the record's own toString would print the token
    return "HubSettings[endpoint=" + endpoint + ", offline=" + offline + "]";
  }
}
