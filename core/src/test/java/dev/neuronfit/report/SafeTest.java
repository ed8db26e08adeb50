package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTest {
  @Test
  void controlCharactersBecomeVisibleEscapes() {
    assertThat(Safe.escapeControls("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
    assertThat(Safe.escapeControls("\u001b[31mred\u0007\u0000"))
        .isEqualTo("\\x1b[31mred\\x07\\x00");
    assertThat(Safe.escapeControls("del\u007f c1\u009b31m")).isEqualTo("del\\x7f c1\\x9b31m");
    assertThat(Safe.escapeControls("ab\u202ecd\u2066\u2028"))
        .isEqualTo("ab\\u202ecd\\u2066\\u2028");
  }

  @Test
  void textWithoutControlsIsLeftAsItIs() {
    String plain = "models/bert-base · 110 M «ok» \\x1b ü 漢字 😀";
    assertThat(Safe.escapeControls(plain)).isSameAs(plain);
    assertThat(Safe.escapeControls("")).isEmpty();
  }
}
