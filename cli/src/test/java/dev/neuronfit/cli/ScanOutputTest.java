package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanOutputTest {
  @TempDir Path dir;

  private Stream<Path> files() throws IOException {
    return Files.list(dir);
  }

  @Test
  void theFileIsReplacedOnlyOnCommit() throws IOException {
    Path target = dir.resolve("scan.csv");
    Files.writeString(target, "old");
    try (ScanOutput out = ScanOutput.open(target)) {
      out.writer().write("new");
      out.writer().flush();
      assertThat(target).hasContent("old");
      out.commit();
    }
    assertThat(target).hasContent("new");
    try (Stream<Path> files = files()) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void aScanThatFailsLeavesTheOldFileAndNoTemporaryOne() throws IOException {
    Path target = dir.resolve("scan.csv");
    Files.writeString(target, "old");
    try (ScanOutput out = ScanOutput.open(target)) {
      out.writer().write("half a scan");
    }
    assertThat(target).hasContent("old");
    try (Stream<Path> files = files()) {
      assertThat(files).containsExactly(target);
    }
  }
}
