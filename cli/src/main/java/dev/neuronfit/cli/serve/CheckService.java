package dev.neuronfit.cli.serve;

import dev.neuronfit.report.Report;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs checks for the server: a fixed number at once with a bounded queue behind them (more are
 * refused, {@link Busy}), one deadline per check from the moment it is accepted ({@link
 * DeadlineExceeded}), identical requests in flight sharing one check, and finished results kept in
 * a bounded cache. A check whose every waiter has gone is cancelled.
 */
final class CheckService implements AutoCloseable {
  /** Work run under the service's limits: a check, or a plan, or anything else with a key. */
  interface Task<T> {
    T run() throws IOException, InterruptedException;
  }

  /** One check's work: read and judge the models. */
  interface Work extends Task<List<Report>> {}

  /** The checks in flight and the queue are full. */
  static final class Busy extends Exception {
    Busy() {
      super("all checks are busy and the queue is full; try again shortly");
    }
  }

  /** The check did not finish within its deadline. */
  static final class DeadlineExceeded extends Exception {
    DeadlineExceeded(Duration deadline) {
      super("the check did not finish within its deadline of " + deadline.toSeconds() + " s");
    }
  }

  /** The client went away before the answer; nobody is left to write to. */
  static final class ClientGone extends Exception {
    ClientGone() {
      super("the client closed the connection");
    }
  }

  /** A finished check, and whether it came from the cache. */
  record Outcome(List<Report> reports, boolean cached) {
    Outcome {
      reports = List.copyOf(reports);
    }
  }

  private record Cached(Object value, long expiresAtNanos) {}

  /** One check in flight and how many requests wait for it. */
  private final class Running {
    final String key;
    final FutureTask<Object> task;
    final AtomicBoolean expired = new AtomicBoolean();
    int waiters = 1;

    Running(String key, Task<?> work, long ttlNanos, Runnable cleanup) {
      this.key = key;
      this.task =
          new FutureTask<>(
              () -> {
                try {
                  Object result = work.run();
                  // cached before the result is handed over, so that a request that comes after
                  // any waiter has its answer finds it in the cache
                  remember(key, result, ttlNanos);
                  return result;
                } finally {
                  cleanup.run();
                }
              }) {
            @Override
            protected void done() {
              // also when cancelled before it started: then the work's own finally never runs
              cleanup.run();
              running.remove(key, Running.this);
            }
          };
    }
  }

  /** How often a waiting request looks whether its client is still there. */
  private static final long POLL_MILLIS = 50;

  private final Duration deadline;
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService timer;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Cached> cache;
  private final ServeMetrics metrics;

  CheckService(ServeSettings settings, ServeMetrics metrics) {
    this.deadline = settings.deadline();
    this.metrics = metrics;
    int queue = settings.queue();
    BlockingQueue<Runnable> waiting =
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    this.pool =
        new ThreadPoolExecutor(
            settings.checksInFlight(),
            settings.checksInFlight(),
            0,
            TimeUnit.MILLISECONDS,
            waiting,
            r -> daemon(r, "neuronfit-check"));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "neuronfit-deadline"));
    int entries = settings.cacheEntries();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > entries;
          }
        };
    metrics.checks(pool::getActiveCount, () -> pool.getQueue().size());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * The reports for a key: from the cache, from the identical check in flight, or from a new one.
   *
   * @param key what identifies the model (its revision or content) and the options
   * @param ttl how long the result may be served from the cache; null for as long as it fits
   * @param work the check, run on a worker thread
   * @param cleanup run once when the check is over or was never started (deletes an upload)
   * @param clientGone whether the requesting client has closed its connection
   * @throws Busy when no check can be accepted now
   * @throws DeadlineExceeded when the check ran past the deadline (it is then cancelled)
   * @throws ClientGone when the client left (the check is cancelled if nobody else waits for it)
   * @throws IOException the check's own failure (a malformed model, a Hub error)
   */
  Outcome check(String key, Duration ttl, Work work, Runnable cleanup, BooleanSupplier clientGone)
      throws Busy, DeadlineExceeded, ClientGone, IOException, InterruptedException {
    Shared<List<Report>> s = share(key, ttl, work, cleanup, clientGone);
    return new Outcome(s.value(), s.cached());
  }

  /** A result and whether it came from the cache or an identical task in flight. */
  record Shared<T>(T value, boolean cached) {}

  /**
   * Any task under the same limits, deadline, sharing and cache as a check; keys of different kinds
   * of task must differ (a plan's key is not a check's).
   */
  @SuppressWarnings("unchecked")
  <T> Shared<T> share(
      String key, Duration ttl, Task<T> work, Runnable cleanup, BooleanSupplier clientGone)
      throws Busy, DeadlineExceeded, ClientGone, IOException, InterruptedException {
    Object hit = cached(key);
    if (hit != null) {
      cleanup.run();
      metrics.cache(true);
      return new Shared<>((T) hit, true);
    }
    Running r;
    synchronized (running) {
      r = running.get(key);
      if (r != null) {
        r.waiters++;
        cleanup.run();
        metrics.cache(true);
      } else {
        long ttlNanos = ttl == null ? Long.MAX_VALUE : ttl.toNanos();
        r = new Running(key, work, ttlNanos, cleanup);
        try {
          pool.execute(r.task);
        } catch (RejectedExecutionException e) {
          cleanup.run();
          metrics.rejected();
          throw new Busy();
        }
        running.put(key, r);
        metrics.cache(false);
        Running started = r;
        timer.schedule(
            () -> {
              if (!started.task.isDone()) {
                started.expired.set(true);
                started.task.cancel(true);
              }
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
    return new Shared<>((T) await(r, clientGone), false);
  }

  private Object await(Running r, BooleanSupplier clientGone)
      throws DeadlineExceeded, ClientGone, IOException, InterruptedException {
    try {
      while (true) {
        try {
          return r.task.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (clientGone.getAsBoolean()) {
            leave(r);
            throw new ClientGone();
          }
        }
      }
    } catch (CancellationException e) {
      if (r.expired.get()) {
        throw new DeadlineExceeded(deadline);
      }
      throw new ClientGone();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException && r.expired.get()) {
        throw new DeadlineExceeded(deadline);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      leave(r);
      throw e;
    }
  }

  /** One waiter less; the last one to leave cancels the check. */
  private void leave(Running r) {
    synchronized (running) {
      r.waiters--;
      if (r.waiters == 0) {
        r.task.cancel(true);
        running.remove(r.key, r);
      }
    }
  }

  private Object cached(String key) {
    synchronized (cache) {
      Cached c = cache.get(key);
      if (c == null) {
        return null;
      }
      if (System.nanoTime() - c.expiresAtNanos > 0) {
        cache.remove(key);
        return null;
      }
      return c.value();
    }
  }

  private void remember(String key, Object result, long ttlNanos) {
    long now = System.nanoTime();
    // a long time-to-live is capped so that now + ttl does not overflow
    long expires = now + Math.min(ttlNanos, Long.MAX_VALUE / 4);
    synchronized (cache) {
      cache.put(key, new Cached(result, expires));
    }
  }

  /** Checks running now (not queued). */
  int active() {
    return pool.getActiveCount();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    timer.shutdownNow();
  }
}
