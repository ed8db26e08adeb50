package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadlineChannelTest {
  @TempDir Path tmp;

  @Test
  void aReadThatNeverAnswersEndsInAOneLineErrorAfterTheDeadline() throws Exception {
    Path fifo = tmp.resolve("stalled");
    assumeTrue(mkfifo(fifo), "needs mkfifo");
    // a writer that opens the FIFO and never writes: the reader's open succeeds, its read blocks
    CompletableFuture<OutputStream> writer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new FileOutputStream(fifo.toFile());
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    FileChannel raw = FileChannel.open(fifo, StandardOpenOption.READ);
    try (OutputStream out = writer.get(10, TimeUnit.SECONDS);
        FileChannel channel =
            new DeadlineChannel(raw, Path.of("shown/config.json"), TimeUnit.SECONDS.toNanos(1))) {
      long started = System.nanoTime();
      CompletableFuture<Throwable> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  channel.read(ByteBuffer.allocate(16));
                  return null;
                } catch (Throwable t) {
                  return t;
                }
              });

      // the bound on waiting here only keeps a broken watchdog from hanging the suite
      Throwable thrown = read.get(30, TimeUnit.SECONDS);

      assertThat(thrown)
          .isInstanceOf(ModelFormatException.class)
          .hasMessage("shown/config.json: a read gave no answer within 1 seconds; given up");
      assertThat(System.nanoTime() - started).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(900));
      assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1)))
          .isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void readsThatAnswerPassThrough() throws IOException {
    Path file = Files.writeString(tmp.resolve("f.txt"), "hello", StandardCharsets.US_ASCII);
    try (FileChannel channel =
        new DeadlineChannel(FileChannel.open(file), file, TimeUnit.MILLISECONDS.toNanos(100))) {
      ByteBuffer b = ByteBuffer.allocate(8);
      assertThat(channel.read(b, 1)).isEqualTo(4);
      assertThat(channel.size()).isEqualTo(5);
      assertThat(new String(b.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("ello");
      channel.position(0);
      b.clear();
      assertThat(channel.read(b)).isEqualTo(5);
    }
  }

  @Test
  void modelFilesHandsOutChannelsWithTheDeadline() throws IOException {
    Path file = Files.writeString(tmp.resolve("config.json"), "{}");
    try (FileChannel channel = ModelFiles.channel(file, tmp, file)) {
      assertThat(channel).isInstanceOf(DeadlineChannel.class);
    }
  }

  private static boolean mkfifo(Path p) throws InterruptedException {
    try {
      return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
