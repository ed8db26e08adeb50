package dev.neuronfit.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlsTest {
  @Test
  void escapesC0C1DelSeparatorsAndBidiMarksEachVisibly() {
    assertThat(Controls.escape("a\nb\rc\td\u0000e\u001b[2Jf\u007fg\u009bh"))
        .isEqualTo("a\\nb\\rc\\td\\x00e\\x1b[2Jf\\x7fg\\x9bh");
    assertThat(Controls.escape("x\u2028\u2029\u202a\u202e\u2066\u2069y"))
        .isEqualTo("x\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069y");
  }

  @Test
  void leavesPrintableTextOfAnyScriptAsItIs() {
    String plain = "models/bert-base · 110 M «ok» \\x1b ü 漢字 😀 \u200d";
    assertThat(Controls.escape(plain)).isSameAs(plain);
    assertThat(Controls.escape(null)).isEqualTo("null");
  }
}
