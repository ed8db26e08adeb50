package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.cli.MainTest.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The progress bar: absent when stderr is not a terminal (as under the test harness) or with
 * --quiet, present when forced, and never mixed into the output.
 */
class ScanProgressTest {
  private static final String EXAMPLES =
      Path.of(System.getProperty("neuronfit.root", "..")).resolve("examples").toString();

  @Test
  void noBarWhenStderrIsNotATerminal() {
    Run r = MainTest.run("scan", "--format", "csv", EXAMPLES);

    assertThat(r.err()).isEmpty();
    assertThat(r.out()).doesNotContain("Scanning");
  }

  @Test
  void theBarShowsCountsWhenForcedAndLeavesTheOutputAlone() {
    Run plain = MainTest.run("scan", "--format", "csv", EXAMPLES);
    Run forced = MainTest.run("scan", "--format", "csv", "--progress=always", EXAMPLES);

    assertThat(forced.code()).isEqualTo(ExitCodes.OK);
    int models = (int) plain.out().lines().count() - 1;
    assertThat(forced.err()).contains("\rScanning").contains(models + "/" + models).contains("/s");
    assertThat(forced.out()).isEqualTo(plain.out());
  }

  @Test
  void quietWinsOverEverything() {
    Run r = MainTest.run("scan", "--quiet", "--progress=always", "--format", "csv", EXAMPLES);

    assertThat(r.err()).isEmpty();
  }

  @Test
  void outputOnTheSameTerminalIsWrittenAboveTheBar() throws IOException {
    StringWriter terminal = new StringWriter();
    PrintWriter err = new PrintWriter(terminal);
    try (ScanProgress bar =
        ScanProgress.bar(err, new ScanProgress.Terminal(true, true, 60), true)) {
      Writer out = bar.above(new PrintWriter(terminal));
      bar.searched(1);
      out.write("row 1\n");
      assertThat(terminal.toString()).doesNotContain("row 1");
      out.flush();
      bar.done();
    }

    String screen = terminal.toString();
    int row = screen.indexOf("row 1\n");
    assertThat(row).isPositive();
    // the bar's line is blanked just before the row is written
    assertThat(screen.substring(0, row)).endsWith("\r" + " ".repeat(59) + "\r");
  }
}
