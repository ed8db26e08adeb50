package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code check --brief} and {@code --full}: the short text report for many models. */
class BriefOutputTest {
  private static final String EXAMPLES =
      Path.of(System.getProperty("neuronfit.root", "..")).resolve("examples").toString();

  /** The terminal height the brief report is measured against: a common full-height window. */
  private static final int SCREEN_LINES = 50;

  @Test
  void briefOfTheExamplesFitsTwoScreensPerFiveModels() {
    MainTest.Run r = run("check", "--brief", EXAMPLES);
    assertThat(r.code()).isZero();
    List<List<String>> models = models(r.out());
    assertThat(models).hasSizeGreaterThanOrEqualTo(20);
    // every run of five consecutive models, with their blank separators
    for (int i = 0; i + 5 <= models.size(); i++) {
      int lines = models.subList(i, i + 5).stream().mapToInt(m -> m.size() + 1).sum();
      assertThat(lines).as("models %d to %d", i, i + 4).isLessThanOrEqualTo(2 * SCREEN_LINES);
    }
    long total = r.out().lines().count();
    assertThat(total * 5).isLessThanOrEqualTo(2L * SCREEN_LINES * models.size());
  }

  @Test
  void briefKeepsVerdictTargetsFindingTitlesAndTheSummaryOnly() {
    String brief = run("check", "--brief", EXAMPLES).out();
    String full = run("check", EXAMPLES).out();

    assertThat(brief)
        .contains("  TARGET  CORE  FIT")
        .contains("decoder-on-inf1: Token-by-token decoding is memory-bound")
        .contains("MODEL ")
        .doesNotContain("EVIDENCE")
        .doesNotContain("GUIDANCE")
        .doesNotContain("advice:");
    assertThat(brief.lines().count() * 3).isLessThan(full.lines().count());
    // the summary table ends both
    String summary = full.substring(full.lastIndexOf("\nMODEL ") + 1);
    assertThat(brief).endsWith(summary);
  }

  @Test
  void fullIsTheWholeReportAndExcludesBrief() {
    assertThat(run("check", "--full", EXAMPLES).out()).isEqualTo(run("check", EXAMPLES).out());
    MainTest.Run both = run("check", "--brief", "--full", EXAMPLES);
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("--brief and --full");
  }

  @Test
  void briefIsTheDefaultForSeveralModelsOnATerminalOnly() {
    assertThat(CheckCommand.brief(false, false, 2, true)).isTrue();
    assertThat(CheckCommand.brief(false, false, 1, true)).isFalse();
    assertThat(CheckCommand.brief(false, false, 2, false)).isFalse();
    assertThat(CheckCommand.brief(false, true, 26, true)).isFalse();
    assertThat(CheckCommand.brief(true, false, 1, false)).isTrue();
  }

  /** The lines of each model's block (blocks are separated by a blank line; the summary last). */
  private static List<List<String>> models(String out) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = new ArrayList<>();
    for (String l : out.lines().toList()) {
      if (l.isEmpty()) {
        blocks.add(block);
        block = new ArrayList<>();
      } else {
        block.add(l);
      }
    }
    return blocks;
  }
}
