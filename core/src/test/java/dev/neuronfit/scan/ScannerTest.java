package dev.neuronfit.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Family;
import dev.neuronfit.report.ScanRow;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Edition EDITION = KB.defaultEdition();

  @TempDir Path dir;

  /** Collects what a scan hands over, checking it arrives on one thread. */
  static class Recorder implements Scanner.Listener {
    final List<Scanner.Outcome> outcomes = new ArrayList<>();
    final List<String> failedPaths = new ArrayList<>();
    final AtomicInteger found = new AtomicInteger();
    final AtomicInteger searched = new AtomicInteger(-1);
    Thread thread;

    @Override
    public void found(Path path, int foundSoFar) {
      found.set(foundSoFar);
    }

    @Override
    public void searched(int count) {
      searched.set(count);
    }

    @Override
    public void pathFailed(Path path, IOException problem) {
      failedPaths.add(path + ": " + problem.getMessage());
    }

    @Override
    public void outcome(Scanner.Outcome outcome) {
      if (thread == null) {
        thread = Thread.currentThread();
      }
      assertThat(Thread.currentThread()).isSameAs(thread);
      outcomes.add(outcome);
    }

    static String name(Scanner.Outcome o) {
      if (o instanceof Scanner.Outcome.Checked c) {
        return c.row().name();
      }
      if (o instanceof Scanner.Outcome.Failed f) {
        return "failed " + f.row().name();
      }
      return "skipped " + ((Scanner.Outcome.Skipped) o).file().path();
    }

    List<String> names() {
      return outcomes.stream().map(Recorder::name).toList();
    }
  }

  private static Scanner scanner(int jobs, Scanner.ModelCheck check) {
    return new Scanner(ModelLocator.forScan(ReadLimits.DEFAULT), check, jobs);
  }

  private static Scanner.ModelCheck realCheck() {
    return m -> INSPECTOR.inspect(m, EDITION, Selection.ALL);
  }

  private void bert(String folder) throws IOException {
    Path d = Files.createDirectories(dir.resolve(folder));
    Files.writeString(d.resolve("config.json"), "{\"model_type\": \"bert\"}");
  }

  @Test
  void outcomesComeInTheOrderModelsWereFoundWhateverOrderTheyFinishIn() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String name = String.format("m%02d", i);
      bert(name);
      expected.add(dir.resolve(name).toString());
    }
    Scanner.ModelCheck jittery =
        m -> {
          try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return realCheck().check(m);
        };
    Recorder r = new Recorder();

    scanner(4, jittery).scan(List.of(dir), r);

    assertThat(r.names()).containsExactlyElementsOf(expected);
    assertThat(r.searched.get()).isEqualTo(30);
    assertThat(r.outcomes)
        .allSatisfy(
            o ->
                assertThat(((Scanner.Outcome.Checked) o).row().family())
                    .isEqualTo(Family.TRANSFORMER_ENCODER));
  }

  @Test
  void theSearchWaitsWhileTwiceJobsModelsAreNotHandedOver() throws Exception {
    for (int i = 0; i < 40; i++) {
      bert(String.format("m%02d", i));
    }
    int jobs = 2;
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger handedOver = new AtomicInteger();
    AtomicInteger maxAhead = new AtomicInteger();
    Scanner.ModelCheck counting =
        m -> {
          var report = realCheck().check(m);
          int ahead = checked.incrementAndGet() - handedOver.get();
          maxAhead.accumulateAndGet(ahead, Math::max);
          return report;
        };
    Recorder slow =
        new Recorder() {
          @Override
          public void outcome(Scanner.Outcome outcome) {
            try {
              Thread.sleep(3);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            handedOver.incrementAndGet();
            super.outcome(outcome);
          }
        };

    scanner(jobs, counting).scan(List.of(dir), slow);

    assertThat(slow.outcomes).hasSize(40);
    // the queue (2 x jobs), the one the search is putting, the one being handed over
    assertThat(maxAhead.get()).isLessThanOrEqualTo(2 * jobs + 2);
  }

  @Test
  void anUnreadableModelIsARowAndTheScanGoesOn() throws Exception {
    bert("a-good");
    Path broken = Files.createDirectories(dir.resolve("b-broken"));
    Files.writeString(broken.resolve("config.json"), "{\"model_type\": ");
    Files.writeString(dir.resolve("c.onnx"), "not a protobuf at all");
    bert("d-good");
    Recorder r = new Recorder();

    scanner(2, realCheck()).scan(List.of(dir), r);

    // a folder's files come before its subfolders
    assertThat(r.names())
        .containsExactly(
            "failed " + dir.resolve("c.onnx"),
            dir.resolve("a-good").toString(),
            "failed " + broken,
            dir.resolve("d-good").toString());
    ScanRow.Unreadable row = ((Scanner.Outcome.Failed) r.outcomes.get(2)).row();
    assertThat(row.error()).contains("config.json").contains("line 1").doesNotContain("\n");
  }

  @Test
  void aBugInAReaderIsARowNotTheEndOfTheScan() throws Exception {
    bert("a");
    bert("b");
    Scanner.ModelCheck buggy =
        m -> {
          if (m.path().endsWith("a")) {
            throw new IllegalStateException("reader bug");
          }
          return realCheck().check(m);
        };
    Recorder r = new Recorder();

    scanner(1, buggy).scan(List.of(dir), r);

    assertThat(r.names())
        .containsExactly("failed " + dir.resolve("a"), dir.resolve("b").toString());
    assertThat(((Scanner.Outcome.Failed) r.outcomes.get(0)).row().error())
        .contains("internal error")
        .contains("reader bug");
  }

  @Test
  void aReaderThatRunsOutOfMemoryOrStackIsARowAndTheScanGoesOn() throws Exception {
    bert("a");
    bert("b");
    bert("c");
    Scanner.ModelCheck exhausting =
        m -> {
          if (m.path().endsWith("a")) {
            throw new OutOfMemoryError("Java heap space");
          }
          if (m.path().endsWith("b")) {
            throw new StackOverflowError();
          }
          return realCheck().check(m);
        };
    Recorder r = new Recorder();

    scanner(2, exhausting).scan(List.of(dir), r);

    assertThat(r.names())
        .containsExactly(
            "failed " + dir.resolve("a"),
            "failed " + dir.resolve("b"),
            dir.resolve("c").toString());
    assertThat(((Scanner.Outcome.Failed) r.outcomes.get(0)).row().error())
        .isEqualTo("ran out of memory reading it (Java heap space)");
    assertThat(((Scanner.Outcome.Failed) r.outcomes.get(1)).row().error())
        .contains("StackOverflowError");
  }

  @Test
  void anUnreadableFolderIsARowAndTheWalkGoesOn() throws Exception {
    bert("a");
    Path locked = Files.createDirectories(dir.resolve("b-locked"));
    Files.writeString(locked.resolve("config.json"), "{\"model_type\": \"bert\"}");
    bert("c");
    Files.setPosixFilePermissions(locked, java.util.Set.of());
    try {
      // root reads any folder whatever its mode: then there is nothing to test
      org.junit.jupiter.api.Assumptions.assumeFalse(
          Files.isReadable(locked), "this user can read a folder of mode 000 (root)");
      Recorder r = new Recorder();

      scanner(2, realCheck()).scan(List.of(dir), r);

      assertThat(r.failedPaths).isEmpty();
      assertThat(r.names())
          .containsExactly(
              dir.resolve("a").toString(), "failed " + locked, dir.resolve("c").toString());
      assertThat(((Scanner.Outcome.Failed) r.outcomes.get(1)).row().error())
          .isEqualTo(locked + ": permission denied");
    } finally {
      Files.setPosixFilePermissions(
          locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void archivesHoldingNoModelArePassedOverUnlessNamed() throws Exception {
    Path zip = dir.resolve("photos.zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("cat.jpg"));
      z.write(new byte[] {1, 2, 3});
      z.closeEntry();
    }
    bert("model");
    Recorder inFolder = new Recorder();
    Recorder named = new Recorder();

    scanner(1, realCheck()).scan(List.of(dir), inFolder);
    scanner(1, realCheck()).scan(List.of(zip), named);

    assertThat(inFolder.names()).containsExactly("skipped " + zip, dir.resolve("model").toString());
    assertThat(named.names()).containsExactly("failed " + zip);
  }

  @Test
  void aMissingPathIsReportedInOrderAndTheOtherPathsAreScanned() throws Exception {
    bert("m");
    Recorder r = new Recorder();

    scanner(2, realCheck()).scan(List.of(dir.resolve("nope"), dir), r);

    assertThat(r.failedPaths).singleElement().asString().contains("no such file or folder");
    assertThat(r.names()).containsExactly(dir.resolve("m").toString());
  }

  @Test
  void modelsInAHuggingFaceCacheAreNamedByRepository() throws Exception {
    Path snap = dir.resolve("hub/models--google-bert--bert-base-uncased/snapshots/86b5e09");
    Files.createDirectories(snap);
    Files.writeString(snap.resolve("config.json"), "{\"model_type\": \"bert\"}");
    Recorder r = new Recorder();

    scanner(2, realCheck()).scan(List.of(dir.resolve("hub")), r);

    assertThat(r.names()).containsExactly("google-bert/bert-base-uncased");
    assertThat(((Scanner.Outcome.Checked) r.outcomes.get(0)).row().path())
        .isEqualTo(snap.toString());
  }

  @Test
  void aSymlinkLoopEndsTheSearch() throws Exception {
    bert("real/model");
    Files.createSymbolicLink(dir.resolve("real/loop"), dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("again"), dir);
    Recorder r = new Recorder();

    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> scanner(2, realCheck()).scan(List.of(dir), r));

    assertThat(r.names()).containsExactly(dir.resolve("real/model").toString());
  }

  @Test
  void aListenerThatFailsStopsTheScan() throws Exception {
    for (int i = 0; i < 20; i++) {
      bert("m" + i);
    }
    Recorder failing =
        new Recorder() {
          @Override
          public void outcome(Scanner.Outcome outcome) {
            throw new IllegalStateException("disk full");
          }
        };

    assertThatThrownBy(() -> scanner(2, realCheck()).scan(List.of(dir), failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disk full");
  }
}
