package dev.neuronfit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Where {@code scan --format jsonl --output FILE} writes: FILE itself, appended to line by line, so
 * that a scan that is interrupted can be run again with the same FILE and goes on where it stopped.
 * Opening reads the inputs FILE already has a line for; a last line without its line break (the
 * scan was stopped while writing it) is cut off and its input done again. A FILE whose complete
 * lines are not all neuronfit JSON lines is refused, so a scan never appends to another file.
 */
final class JsonLinesOutput implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final Set<String> done;
  private final Writer writer;

  private JsonLinesOutput(Set<String> done, Writer writer) {
    this.done = Set.copyOf(done);
    this.writer = writer;
  }

  /**
   * @throws ScanOutput.Failed when FILE cannot be read, cut or written, or holds other lines
   */
  static JsonLinesOutput open(Path target) throws ScanOutput.Failed {
    try {
      Set<String> done = new HashSet<>();
      FileChannel ch =
          FileChannel.open(
              target, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        long complete = readDone(ch, target, done);
        if (complete < ch.size()) {
          ch.truncate(complete);
        }
        ch.position(complete);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      Writer w =
          new BufferedWriter(
              new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8),
              1 << 16);
      return new JsonLinesOutput(done, w);
    } catch (ScanOutput.Failed e) {
      throw e;
    } catch (IOException e) {
      throw new ScanOutput.Failed(target, e);
    }
  }

  /** Adds the input of every complete line to {@code done}; returns where the last one ends. */
  private static long readDone(FileChannel ch, Path target, Set<String> done) throws IOException {
    long size = ch.size();
    long lineStart = 0;
    int lineNo = 0;
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long pos = 0;
    while (pos < size) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        byte b = buf.get(i);
        if (b == '\n') {
          lineNo++;
          done.add(input(line.toByteArray(), target, lineNo));
          line.reset();
          lineStart = pos + i + 1;
        } else {
          line.write(b);
        }
      }
      pos += n;
    }
    return lineStart;
  }

  /** The {@code input} field of one line, which must be a JSON object holding it. */
  private static String input(byte[] line, Path target, int lineNo) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      String input = null;
      if (p.nextToken() == JsonToken.START_OBJECT) {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("input") && v == JsonToken.VALUE_STRING) {
            input = p.getText();
          }
          p.skipChildren();
        }
        // the whole line is one object: nothing cut, nothing after it
        if (t == JsonToken.END_OBJECT && p.nextToken() == null && input != null) {
          return input;
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // reported below
    }
    throw new IOException(
        "line "
            + lineNo
            + " is not a line of neuronfit scan --format jsonl; refusing to append to this file");
  }

  /** Inputs FILE already has a line for. */
  Set<String> done() {
    return done;
  }

  Writer writer() {
    return writer;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
