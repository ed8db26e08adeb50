package dev.neuronfit.cli.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's metrics in one registry of its own (not the library's global one, so that two
 * servers in one JVM, as in the tests, count apart), written in the Prometheus text format.
 */
final class ServeMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests =
      Counter.builder()
          .name("neuronfit_http_requests_total")
          .help("HTTP requests answered, by route and status code")
          .labelNames("route", "status")
          .register(registry);
  private final Histogram latency =
      Histogram.builder()
          .name("neuronfit_http_request_duration_seconds")
          .help("Time from a request's arrival to its answer, by route")
          .labelNames("route")
          .classicOnly()
          .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
          .register(registry);
  private final Counter cacheHits =
      Counter.builder()
          .name("neuronfit_cache_hits_total")
          .help("Checks answered from the result cache or by joining the same check in flight")
          .register(registry);
  private final Counter cacheMisses =
      Counter.builder()
          .name("neuronfit_cache_misses_total")
          .help("Checks that had to run")
          .register(registry);
  private final Counter rejected =
      Counter.builder()
          .name("neuronfit_checks_rejected_total")
          .help("Checks refused with 503 because the checks in flight and the queue were full")
          .register(registry);

  void request(String route, int status, long nanos) {
    requests.labelValues(route, Integer.toString(status)).inc();
    latency.labelValues(route).observe(nanos / 1e9);
  }

  void cache(boolean hit) {
    (hit ? cacheHits : cacheMisses).inc();
  }

  void rejected() {
    rejected.inc();
  }

  /** Gauges of the checks running and waiting. */
  void checks(IntSupplier inFlight, IntSupplier queued) {
    GaugeWithCallback.builder()
        .name("neuronfit_checks_in_flight")
        .help("Checks running now")
        .callback(cb -> cb.call(inFlight.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("neuronfit_checks_queued")
        .help("Checks accepted and waiting for a free slot")
        .callback(cb -> cb.call(queued.getAsInt()))
        .register(registry);
  }

  /** A counter of the body bytes received from the Hub. */
  void hubBytes(LongSupplier bytes) {
    CounterWithCallback.builder()
        .name("neuronfit_hub_bytes_received_total")
        .help("Body bytes received from the Hugging Face Hub endpoint")
        .callback(cb -> cb.call(bytes.getAsLong()))
        .register(registry);
  }

  String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  void write(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }
}
