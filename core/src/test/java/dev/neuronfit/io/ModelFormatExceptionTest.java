package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelFormatExceptionTest {
  @Test
  void escapesControlsAndBidiOverridesOfPlaceAndProblemAsTheReportsDo() {
    // before io shared the reports' escaper, a right-to-left override reached the terminal raw
    ModelFormatException e =
        new ModelFormatException(
            Path.of("m\u202eod"), "tensor a\u001b[2J\nb", "name \u2066x\u2069 \u202efdp.exe");
    assertThat(e.getMessage())
        .isEqualTo("m\\u202eod: tensor a\\x1b[2J\\nb: name \\u2066x\\u2069 \\u202efdp.exe");
  }

  @Test
  void cutsALongPlaceAndProblemToOneShortLine() {
    ModelFormatException e =
        new ModelFormatException(Path.of("f"), "p".repeat(10_000), "q\n".repeat(10_000));
    assertThat(e.getMessage()).hasSizeLessThan(1_100).doesNotContain("\n").contains("...");
  }
}
