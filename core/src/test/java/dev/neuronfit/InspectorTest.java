package dev.neuronfit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.verdict.Selection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InspectorTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  @Test
  void aFileThatFillsTheHeapIsThatFilesOneLineError() {
    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    Path path = Path.of("models/huge.pt");
    ModelLocator.Located model =
        new ModelLocator.Located(
            path,
            (p, limits) -> {
              throw new OutOfMemoryError("Java heap space");
            },
            "huge");

    assertThatThrownBy(() -> inspector.inspect(model, KB.defaultEdition(), Selection.ALL))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith("models/huge.pt: reading it needs more memory than the ")
        .hasMessageEndingWith(" MB heap allows (NEURONFIT_JAVA_OPTS=-Xmx2g raises it)");
  }
}
