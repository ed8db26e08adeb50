package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exports of {@code src/test/resources/structure/} (torch.nn.Transformer, a decoder-only and an
 * encoder-only stack, each traced to TorchScript and exported to ONNX by its generate.py): the
 * family comes from the graph's structure, whatever the classes are called.
 */
class StructureFixturesTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);

  private static Path dir() {
    return TestFiles.repoRoot().resolve("core/src/test/resources/structure");
  }

  /** File to family, as the generator built each model. */
  static Map<String, String> fixtures() {
    try {
      return Files.readAllLines(dir().resolve("fixtures.tsv")).stream()
          .filter(l -> !l.startsWith("#") && !l.isBlank())
          .map(l -> l.split("\t"))
          .collect(Collectors.toMap(f -> f[0], f -> f[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> files() {
    return fixtures().keySet().stream().sorted().toList();
  }

  private static ModelProfile read(String name) throws IOException {
    ModelLocator.Located l =
        new ModelLocator(ReadLimits.DEFAULT).locate(dir().resolve(name)).get(0);
    return l.reader().read(l.path(), ReadLimits.DEFAULT);
  }

  private static String evidence(Classification c, String key) {
    return c.evidence().stream()
        .filter(e -> e.key().equals(key))
        .map(Evidence::value)
        .findFirst()
        .orElse("");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void eachExportGetsTheFamilyItWasBuiltAs(String file) throws IOException {
    Classification c = CLASSIFIER.classify(read(file));

    assertThat(c.family().id()).as(c.evidence().toString()).isEqualTo(fixtures().get(file));
    assertThat(c.confidence()).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void aTracedTransformerInAClassOfItsOwnIsAnEncoderDecoderByItsStacks() throws IOException {
    // Translator wraps nn.Transformer: the root class is no library's, so the code decides; its
    // causal target mask used to make it a decoder
    Classification c = CLASSIFIER.classify(read("transformer_seq2seq.pt"));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(evidence(c, "encoder stack")).startsWith("2 self-attention blocks over src, e.g. ");
    assertThat(evidence(c, "decoder stack"))
        .isEqualTo("2 self-attention blocks and 2 cross-attention blocks over tgt");
    assertThat(evidence(c, "cross-attention"))
        .startsWith("2 blocks, e.g. aten::softmax at MultiheadAttention.forward")
        .endsWith(": queries from tgt, keys and values from the encoder stack's output over src");
  }

  @Test
  void aScriptedLayerCountsOnceThoughItsFusedAndUnfusedPathsAreBothInTheCode() throws IOException {
    Classification c = CLASSIFIER.classify(read("transformer_seq2seq_scripted.pt"));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(evidence(c, "encoder stack"))
        .startsWith("2 self-attention blocks over src, e.g. aten::_transformer_encoder_layer_fwd");
    assertThat(evidence(c, "decoder stack"))
        .isEqualTo("2 self-attention blocks and 2 cross-attention blocks over tgt");
  }

  @Test
  void theOperatorsOfABareTransformerNowAgreeWithItsClass() throws IOException {
    Classification c = CLASSIFIER.classify(read("transformer_bare.pt"));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    // before, the operators pointed to an encoder and were listed as another match
    assertThat(c.alsoMatches()).isEmpty();
  }

  @Test
  void followsEveryModuleCallFromTheRootAndFindsWhereKeysComeFrom() throws IOException {
    ModelProfile p = read("transformer_seq2seq.pt");
    TorchScriptSignals s = new TorchScriptSignals(p.graph().orElseThrow(), p.tensors());

    ScriptStacks.EncoderDecoder ed = s.stacks().encoderDecoder().orElseThrow();

    assertThat(s.stacks().blocks()).hasSize(6);
    assertThat(ed.encoder()).hasSize(2);
    assertThat(ed.decoder()).hasSize(2);
    assertThat(ed.cross()).hasSize(2);
    assertThat(ed.fromEncoder()).isEqualTo(2);
    assertThat(s.stacks().inputs(ed.source())).containsExactly("src");
    assertThat(s.stacks().inputs(ed.target())).containsExactly("tgt");
  }

  @Test
  void oneStackOfSelfAttentionIsNoEncoderDecoder() throws IOException {
    for (String file :
        List.of(
            "transformer_decoder_only.pt",
            "transformer_decoder_positions.pt",
            "transformer_encoder_only.pt")) {
      ModelProfile p = read(file);
      TorchScriptSignals s = new TorchScriptSignals(p.graph().orElseThrow(), p.tensors());

      assertThat(s.stacks().blocks()).as(file).hasSize(2);
      assertThat(s.stacks().encoderDecoder()).as(file).isEmpty();
      assertThat(s.stacks().blocks())
          .as(file)
          .allSatisfy(b -> assertThat(b.k.inputs()).isEqualTo(b.q.inputs()));
    }
  }

  @Test
  void aCausalMaskFromComparedPositionsMakesATracedStackADecoder() throws IOException {
    // the mask compares arange positions; the stack's class, nn.TransformerEncoder, says encoder
    Classification c = CLASSIFIER.classify(read("transformer_decoder_positions.pt"));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.evidence())
        .anySatisfy(
            e -> {
              assertThat(e.value()).contains("aten::gt at NextTokenByPositions.forward");
              assertThat(e.meaning()).startsWith("a causal mask");
            });
  }
}
