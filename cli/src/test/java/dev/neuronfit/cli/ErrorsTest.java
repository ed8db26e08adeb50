package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  private static String reported(Throwable e) {
    StringWriter s = new StringWriter();
    Errors.report(new PrintWriter(s), e, false);
    return s.toString();
  }

  @Test
  void fileNamesInMessagesHaveTheirControlCharactersEscaped() {
    String name = "models/x\u001b[2J\r\nFAKE\u009b31m";

    assertThat(reported(new NoSuchFileException(name)))
        .isEqualTo("neuronfit: models/x\\x1b[2J\\r\\nFAKE\\x9b31m: no such file or folder\n");
    assertThat(reported(new AccessDeniedException(name)))
        .isEqualTo("neuronfit: models/x\\x1b[2J\\r\\nFAKE\\x9b31m: permission denied\n");
  }

  @Test
  void otherMessagesAreOneLineWithoutControlCharacters() {
    assertThat(reported(new IllegalStateException("a\nb\u001b[31m")))
        .isEqualTo("neuronfit: a b\\x1b[31m\n");
  }
}
