package dev.neuronfit.io.hub;

import java.util.concurrent.atomic.AtomicLong;

/** What checking one model cost on the network: requests sent and body bytes received. */
final class Transfer {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong fromHfCache = new AtomicLong();

  void request() {
    requests.incrementAndGet();
  }

  void received(long n) {
    bytes.addAndGet(n);
  }

  void hfCacheFile() {
    fromHfCache.incrementAndGet();
  }

  long requests() {
    return requests.get();
  }

  long bytes() {
    return bytes.get();
  }

  long hfCacheFiles() {
    return fromHfCache.get();
  }
}
