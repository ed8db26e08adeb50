package dev.neuronfit.cli;

import dev.neuronfit.report.ScanHtmlRenderer;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scratch of an HTML scan page: a file in the temporary folder, created on first write and
 * deleted on close, so that the reports of a large tree wait on disk rather than in the heap.
 */
final class TempFileScratch implements ScanHtmlRenderer.Scratch {
  /** Names start with this, so that a file left behind says whose it is. */
  private static final String PREFIX = "neuronfit-scan-";

  private Path file;

  @Override
  public Writer writer() throws IOException {
    file = Files.createTempFile(PREFIX, ".html");
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  @Override
  public Reader reader() throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      Files.deleteIfExists(file);
      file = null;
    }
  }
}
