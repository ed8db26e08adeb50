package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.example;
import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Messages that tell the user to do something name the flag or command to do it with. */
class MessagesTest {
  @Test
  void aBadValueNamesTheFlagToGiveInstead() {
    assertThat(run("check", "--framework", "jax", example("gpt2")).err())
        .contains("use --framework pytorch or --framework tensorflow");
    assertThat(run("check", "--edition", "9.9.9", example("gpt2")).err())
        .contains("use --edition with one of: 2.5.0, 2.9.0, 2.11.0");
    // inf2 is known to the support-now layer, so an unknown target shows the message
    assertThat(run("check", "--edition", "2.5.0", "--target", "trn9", example("gpt2")).err())
        .contains("use --target with one of: inf1");
    assertThat(run("check", "--dtype", "fp4", example("gpt2")).err())
        .contains("unknown --dtype 'fp4'");
    assertThat(run("check", "--brief", "--full", example("gpt2")).err())
        .contains("--brief and --full");
  }

  @Test
  void aMissingCommandNamesTheCommands() {
    assertThat(run().err()).contains("check, scan, matrix or schema");
  }
}
