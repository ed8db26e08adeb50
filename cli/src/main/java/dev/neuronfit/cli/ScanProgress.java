package dev.neuronfit.cli;

import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.report.Safe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.terminal.impl.exec.ExecTerminalProvider;
import org.jline.terminal.spi.SystemStream;

/**
 * The progress bar of a scan, on stderr: models done out of models found so far, rate, elapsed time
 * and estimate, and the model being read. Drawn by the progressbar library on the command's error
 * writer; shown only when stderr is a terminal (see {@link #open}).
 *
 * <p>The bar owns the last line of the terminal: anything else written to the terminal while it is
 * shown (rows on standard output, error messages) goes through {@link #above}, which takes the bar
 * away, writes, and draws it again.
 */
abstract class ScanProgress implements AutoCloseable {
  /** When the bar is shown. */
  enum Mode {
    /** When stderr is a terminal. */
    auto,
    /** Always (for tests: the test harness's stderr is no terminal). */
    always,
    never
  }

  /**
   * Counts the models under the paths on a thread of its own, without reading them, so the bar can
   * show a total long before the scan's own search (held back to the pace of the workers) ends;
   * {@code ids} models named by an id count one each.
   */
  abstract void count(ModelLocator locator, List<Path> paths, int ids);

  /** The scan's own search is over: the total is known for sure. */
  abstract void searched(int total);

  abstract void started(Path model);

  abstract void done();

  /** Writes something else to the terminal without tearing the bar. */
  abstract void above(Runnable write);

  /** A writer for standard output whose flushes go {@link #above} the bar. */
  abstract Writer above(Writer out);

  @Override
  public abstract void close();

  /**
   * The bar when it should be shown, else one that shows nothing.
   *
   * @param noColor plain characters only
   */
  static ScanProgress open(Mode mode, boolean quiet, boolean noColor, PrintWriter err) {
    if (quiet || mode == Mode.never) {
      return NONE;
    }
    Terminal terminal = Terminal.detect();
    if (mode == Mode.auto && !terminal.stderr()) {
      return NONE;
    }
    return bar(err, terminal, noColor || System.getenv("NO_COLOR") != null);
  }

  /** A bar on the given terminal, whatever the process's own streams are. */
  static ScanProgress bar(PrintWriter err, Terminal terminal, boolean plain) {
    return new Bar(err, terminal, plain);
  }

  /** What the process's own standard streams are connected to. */
  record Terminal(boolean stderr, boolean stdout, int width) {
    private static final int DEFAULT_WIDTH = 80;

    /**
     * Asks jline, whose exec provider runs {@code test -t 2} (and {@code stty} for the width) on
     * the inherited descriptors: Java itself cannot tell whether stderr is a terminal.
     */
    static Terminal detect() {
      ExecTerminalProvider exec = new ExecTerminalProvider();
      boolean err = exec.isSystemStream(SystemStream.Error);
      if (!err) {
        return new Terminal(false, false, DEFAULT_WIDTH);
      }
      int width = exec.systemStreamWidth(SystemStream.Error);
      return new Terminal(
          true, exec.isSystemStream(SystemStream.Output), width >= 20 ? width : DEFAULT_WIDTH);
    }
  }

  private static final ScanProgress NONE =
      new ScanProgress() {
        @Override
        void count(ModelLocator locator, List<Path> paths, int ids) {}

        @Override
        void searched(int total) {}

        @Override
        void started(Path model) {}

        @Override
        void done() {}

        @Override
        void above(Runnable write) {
          write.run();
        }

        @Override
        Writer above(Writer out) {
          return out;
        }

        @Override
        public void close() {}
      };

  private static final class Bar extends ScanProgress {
    private final Line line;
    private final ProgressBar bar;
    private final boolean stdoutIsTerminal;
    private final int maxMessage;
    private volatile boolean totalKnown;
    private Thread counter;

    Bar(PrintWriter err, Terminal terminal, boolean plain) {
      this.line = new Line(err, terminal.width() - 1);
      this.stdoutIsTerminal = terminal.stdout();
      // what the bar's text leaves of the line, shared between the bar and the model's name
      this.maxMessage = Math.min(40, Math.max(0, (terminal.width() - 52) / 2));
      this.bar =
          new ProgressBarBuilder()
              .setTaskName("Scanning")
              .setInitialMax(-1)
              .setUnit("", 1)
              .showSpeed(new DecimalFormat("0.0"))
              .setSpeedUnit(ChronoUnit.SECONDS)
              .setStyle(
                  plain ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setUpdateIntervalMillis(100)
              .continuousUpdate()
              .clearDisplayOnFinish()
              .setConsumer(line)
              .build();
      bar.setExtraMessage(maxMessage > 0 ? " counting" : "");
    }

    @Override
    void count(ModelLocator locator, List<Path> paths, int ids) {
      counter =
          new Thread(
              () -> {
                int[] n = {ids};
                ModelLocator.Visitor counting =
                    new ModelLocator.Visitor() {
                      @Override
                      public void model(ModelLocator.Located model) throws InterruptedException {
                        if (Thread.interrupted()) {
                          throw new InterruptedException();
                        }
                        n[0]++;
                      }

                      @Override
                      public void unreadable(Path path, IOException problem) {
                        n[0]++;
                      }
                    };
                try {
                  for (Path p : paths) {
                    try {
                      locator.walk(p, counting);
                    } catch (IOException e) {
                      // the scan reports it
                    }
                  }
                  total(n[0]);
                } catch (InterruptedException e) {
                  // the scan's own search ended first
                }
              },
              "neuronfit-count");
      counter.setDaemon(true);
      counter.start();
    }

    private synchronized void total(int n) {
      if (!totalKnown) {
        bar.maxHint(Math.max(n, bar.getCurrent()));
      }
    }

    @Override
    synchronized void searched(int total) {
      totalKnown = true;
      bar.maxHint(total);
      if (counter != null) {
        counter.interrupt();
      }
    }

    @Override
    void started(Path model) {
      if (maxMessage == 0) {
        return;
      }
      int n = model.getNameCount();
      String shown =
          Safe.escapeControls(n >= 2 ? model.subpath(n - 2, n).toString() : model.toString());
      if (shown.length() > maxMessage) {
        shown = "…" + shown.substring(shown.length() - maxMessage + 1);
      }
      // padded, so the bar keeps its length whatever the name's
      bar.setExtraMessage(" " + shown + " ".repeat(maxMessage - shown.length()));
    }

    @Override
    void done() {
      bar.step();
    }

    @Override
    void above(Runnable write) {
      line.above(write);
    }

    @Override
    Writer above(Writer out) {
      return stdoutIsTerminal ? new AboveWriter(out, line) : out;
    }

    @Override
    public void close() {
      if (counter != null) {
        counter.interrupt();
      }
      bar.close();
    }
  }

  /**
   * The terminal line the bar is drawn on. The library's update thread draws through {@link
   * #accept}; other output waits for the line in {@link #above}.
   */
  private static final class Line implements ProgressBarConsumer {
    private final PrintWriter err;
    private final int width;
    private String last = "";

    Line(PrintWriter err, int width) {
      this.err = err;
      this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      // the library's clear() passes its own carriage returns and blanks
      last = rendered.startsWith("\r") ? "" : rendered;
      err.print(rendered.startsWith("\r") ? rendered : "\r" + rendered);
      err.flush();
    }

    synchronized void above(Runnable write) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      write.run();
      if (!last.isEmpty()) {
        err.print("\r" + last);
        err.flush();
      }
    }

    @Override
    public synchronized void close() {
      err.flush();
    }
  }

  /** Holds what is written until a flush, then writes it above the bar. */
  private static final class AboveWriter extends Writer {
    private final Writer out;
    private final Line line;
    private final StringBuilder pending = new StringBuilder();

    AboveWriter(Writer out, Line line) {
      this.out = out;
      this.line = line;
    }

    @Override
    public void write(char[] buf, int off, int len) {
      pending.append(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (pending.length() == 0) {
        out.flush();
        return;
      }
      String text = pending.toString();
      pending.setLength(0);
      IOException[] failed = {null};
      line.above(
          () -> {
            try {
              out.write(text);
              out.flush();
            } catch (IOException e) {
              failed[0] = e;
            }
          });
      if (failed[0] != null) {
        throw failed[0];
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
