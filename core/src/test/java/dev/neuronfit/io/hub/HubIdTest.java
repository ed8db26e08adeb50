package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HubIdTest {
  @ParameterizedTest
  @CsvSource({
    "meta-llama/Llama-3.1-8B, meta-llama/Llama-3.1-8B, main",
    "meta-llama/Llama-3.1-8B@v1.0, meta-llama/Llama-3.1-8B, v1.0",
    "hf://google/t5-small, google/t5-small, main",
    "hf://google/t5-small@0123456789abcdef0123456789abcdef01234567, google/t5-small,"
        + " 0123456789abcdef0123456789abcdef01234567",
    "https://huggingface.co/openai/whisper-tiny, openai/whisper-tiny, main",
    "https://huggingface.co/openai/whisper-tiny/, openai/whisper-tiny, main",
    "https://huggingface.co/openai/whisper-tiny/tree/refs/pr/3, openai/whisper-tiny, refs/pr/3"
  })
  void idsInEverySpelling(String argument, String repo, String revision) {
    Optional<HubId> id = HubId.parse(argument);
    assertThat(id).isPresent();
    assertThat(id.get().repo()).isEqualTo(repo);
    assertThat(id.get().revision()).isEqualTo(revision);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gpt2",
        "a/b/c",
        "../x",
        "org/..",
        "org/na--me",
        "/abs/path",
        "org/name@../../etc",
        "org/name@",
        "https://huggingface.co/org",
        "https://huggingface.co/org/name/blob/main/config.json",
        "https://huggingface.co/org/name?x=1",
        "org/name\n",
        "-org/name"
      })
  void otherArgumentsAreNotIds(String argument) {
    assertThat(HubId.parse(argument)).isEmpty();
  }
}
