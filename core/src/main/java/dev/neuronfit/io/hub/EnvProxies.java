package dev.neuronfit.io.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxies the usual environment variables name: {@code HTTPS_PROXY} for https URLs, {@code
 * HTTP_PROXY} for http ones, and no proxy for hosts that {@code NO_PROXY} lists (comma-separated
 * host names or domain suffixes, {@code *} for all). The JDK's HttpClient reads none of them.
 */
final class EnvProxies extends ProxySelector {
  private final Optional<InetSocketAddress> https;
  private final Optional<InetSocketAddress> http;
  private final List<String> noProxy = new ArrayList<>();

  private EnvProxies(Map<String, String> env) {
    this.https = address(env.get("HTTPS_PROXY"));
    this.http = address(env.get("HTTP_PROXY"));
    String no = env.getOrDefault("NO_PROXY", "");
    for (String h : no.split(",")) {
      String t = h.strip().toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) {
        noProxy.add(t.startsWith(".") ? t.substring(1) : t);
      }
    }
  }

  /** A selector when any proxy is configured. */
  static Optional<ProxySelector> of(Map<String, String> env) {
    EnvProxies p = new EnvProxies(env);
    return p.https.isPresent() || p.http.isPresent() ? Optional.of(p) : Optional.empty();
  }

  @Override
  public List<Proxy> select(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    for (String n : noProxy) {
      if (n.equals("*") || host.equals(n) || host.endsWith("." + n)) {
        return List.of(Proxy.NO_PROXY);
      }
    }
    Optional<InetSocketAddress> a = "https".equals(uri.getScheme()) ? https : http;
    return a.<List<Proxy>>map(s -> List.of(new Proxy(Proxy.Type.HTTP, s)))
        .orElse(List.of(Proxy.NO_PROXY));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
    // nothing to remember: the request fails with its own message
  }

  private static Optional<InetSocketAddress> address(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.strip();
    URI u = URI.create(v.contains("://") ? v : "http://" + v);
    if (u.getHost() == null) {
      return Optional.empty();
    }
    int port = u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
    return Optional.of(InetSocketAddress.createUnresolved(u.getHost(), port));
  }
}
