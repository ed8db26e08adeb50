package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class FitOptionsTest {
  private static final List<String> SHARED =
      List.of(
          "--edition",
          "--target",
          "--framework",
          "--batch",
          "--seq-len",
          "--image-size",
          "--dtype",
          "--efficiency",
          "--input-len",
          "--output-len",
          "--instance",
          "--tp",
          "--hardware");

  private static List<String> options(String command) {
    CommandLine cl = Main.commandLine().getSubcommands().get(command);
    return cl.getCommandSpec().options().stream().map(OptionSpec::longestName).toList();
  }

  @Test
  void checkAndScanListTheSharedOptionsAsOneBlockInTheSameOrder() {
    for (String command : List.of("check", "scan")) {
      List<String> options = options(command);
      int start = options.indexOf(SHARED.get(0));
      assertThat(start).as(command).isNotNegative();
      assertThat(options.subList(start, start + SHARED.size())).as(command).isEqualTo(SHARED);
    }
  }

  @Test
  void matrixTakesOnlyTheEditionPart() {
    assertThat(options("matrix")).contains("--edition", "--target").doesNotContain("--framework");
  }

  @Test
  void aBadSharedValueIsAUsageErrorInBothCommands() {
    for (String command : List.of("check", "scan")) {
      MainTest.Run run = MainTest.run(command, "--dtype", "fp64", MainTest.example("gpt2"));
      assertThat(run.code()).as(command).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as(command).contains("unknown --dtype 'fp64'");
    }
  }
}
