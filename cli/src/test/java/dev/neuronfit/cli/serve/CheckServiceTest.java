package dev.neuronfit.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The check pool on its own: sharing, the cache, cleanup, the deadline and refusal. */
class CheckServiceTest {
  private static ServeSettings settings(Duration deadline, int inFlight, int queue) {
    return new ServeSettings(
        "127.0.0.1",
        0,
        Optional.empty(),
        1024,
        deadline,
        inFlight,
        queue,
        16,
        Duration.ofMinutes(1),
        Duration.ofSeconds(5),
        1,
        Map.of(),
        Path.of("."));
  }

  @Test
  void identicalConcurrentChecksRunOnceAndCleanUpOncePerRequest() throws Exception {
    try (CheckService service =
        new CheckService(settings(Duration.ofSeconds(20), 2, 2), new ServeMetrics())) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger runs = new AtomicInteger();
      AtomicInteger cleanups = new AtomicInteger();
      CheckService.Work work =
          () -> {
            runs.incrementAndGet();
            release.await();
            return List.of();
          };
      List<CompletableFuture<CheckService.Outcome>> all =
          java.util.stream.IntStream.range(0, 5)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              return service.check(
                                  "k", null, work, cleanups::incrementAndGet, () -> false);
                            } catch (Exception e) {
                              throw new IllegalStateException(e);
                            }
                          }))
              .toList();
      Thread.sleep(300);
      release.countDown();
      for (var f : all) {
        f.get();
      }
      assertThat(runs).hasValue(1);
      // every request's cleanup ran: the joiners' at once, the owner's when the check ended
      assertThat(cleanups.get()).isGreaterThanOrEqualTo(5);
      assertThat(service.check("k", null, work, () -> {}, () -> false).cached()).isTrue();
      assertThat(runs).hasValue(1);
    }
  }

  @Test
  void aCheckPastItsDeadlineIsCancelledAndCleanedUp() throws Exception {
    try (CheckService service =
        new CheckService(settings(Duration.ofMillis(300), 1, 0), new ServeMetrics())) {
      AtomicInteger cleanups = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  service.check(
                      "slow",
                      null,
                      () -> {
                        Thread.sleep(60_000);
                        return List.of();
                      },
                      cleanups::incrementAndGet,
                      () -> false))
          .isInstanceOf(CheckService.DeadlineExceeded.class);
      assertThat(TestServer.eventually(() -> service.active() == 0, 5)).isTrue();
      assertThat(cleanups.get()).isPositive();
    }
  }

  @Test
  void aFullPoolAndQueueRefuseAndCleanUp() throws Exception {
    try (CheckService service =
        new CheckService(settings(Duration.ofSeconds(20), 1, 0), new ServeMetrics())) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<CheckService.Outcome> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return service.check(
                      "a",
                      null,
                      () -> {
                        release.await();
                        return List.of();
                      },
                      () -> {},
                      () -> false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(TestServer.eventually(() -> service.active() == 1, 5)).isTrue();
      AtomicInteger cleanups = new AtomicInteger();
      assertThatThrownBy(
              () -> service.check("b", null, List::of, cleanups::incrementAndGet, () -> false))
          .isInstanceOf(CheckService.Busy.class);
      assertThat(cleanups).hasValue(1);
      release.countDown();
      first.get();
    }
  }

  @Test
  void aCheckWhoseOnlyClientLeftIsCancelled() throws Exception {
    try (CheckService service =
        new CheckService(settings(Duration.ofSeconds(60), 1, 0), new ServeMetrics())) {
      AtomicInteger cleanups = new AtomicInteger();
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  service.check(
                      "gone",
                      null,
                      () -> {
                        Thread.sleep(60_000);
                        return List.of();
                      },
                      cleanups::incrementAndGet,
                      () -> System.nanoTime() - t0 > 200_000_000L))
          .isInstanceOf(CheckService.ClientGone.class);
      assertThat(TestServer.eventually(() -> service.active() == 0, 5)).isTrue();
      assertThat(cleanups.get()).isPositive();
    }
  }
}
