package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatTest {
  private static final Format.Settings PLAIN =
      new Format.Settings(Style.PLAIN, false, KnowledgeBase.load().defaultEdition(), List.of());

  @Test
  void everyFormatMakesARendererForReports() {
    for (Format f : Format.values()) {
      assertThat(f.renderer(PLAIN, 1)).as(f.name()).isPresent();
    }
  }

  @Test
  void onlyJsonAndSarifWriteADocumentWhenNoModelWasChecked() {
    for (Format f : Format.values()) {
      assertThat(f.renderer(PLAIN, 0).isPresent())
          .as(f.name())
          .isEqualTo(f == Format.json || f == Format.sarif);
    }
  }

  @Test
  void checkWithNoReadableModelWritesAnEmptyJsonArrayAndNoText() throws Exception {
    String missing = "/nonexistent/neuronfit-model";
    MainTest.Run json = MainTest.run("check", "--format", "json", missing);
    assertThat(json.code()).isEqualTo(ExitCodes.BAD_INPUT);
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertThat(root.isArray()).as(json.out()).isTrue();
    assertThat(root.size()).isZero();
    MainTest.Run text = MainTest.run("check", missing);
    assertThat(text.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(text.out()).isEmpty();
  }
}
