package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FLOPs of the example configs against well-known figures (2 FLOPs per multiply-accumulate), each
 * within 10%, with the source of the figure beside it.
 */
class WorkloadTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  private static Report report(String example, OptionalInt batch, OptionalInt seq)
      throws IOException {
    var profile = new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT);
    var opts = new WorkloadOptions(batch, seq, OptionalInt.empty(), Optional.empty(), 1.0);
    return INSPECTOR.report(profile, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
  }

  private static double flops(String example, int seq, String phase) throws IOException {
    Report r =
        report(example, OptionalInt.empty(), seq > 0 ? OptionalInt.of(seq) : OptionalInt.empty());
    return r.workload().orElseThrow().phase(phase).orElseThrow().flops();
  }

  @Test
  void bertBaseAt128TokensIsAbout22Gflops() throws IOException {
    // about 11 G multiply-accumulates for BERT-base at 128 tokens (12 layers of 128 x (4H^2 + 2HI)
    // plus attention); onnx-tool profiles BERT-Squad at 22.8 G MACs for 256 tokens
    assertThat(flops("bert-base-uncased", 128, "inference")).isCloseTo(22.0e9, within(2.2e9));
  }

  @Test
  void resnet50At224Is8Point2Gflops() throws IOException {
    // 4.1 G multiply-accumulates at 224x224 (the torchvision model card figure)
    assertThat(flops("resnet-50", 0, "inference")).isCloseTo(8.2e9, within(0.82e9));
  }

  @Test
  void vitBase16At224Is35Gflops() throws IOException {
    // ViT-B/16: 17.6 G multiply-accumulates at 224x224 (Dosovitskiy et al. and the timm tables)
    assertThat(flops("vit-base-patch16-224", 0, "inference")).isCloseTo(35.2e9, within(3.5e9));
  }

  @Test
  void swinAndConvnextTinyAreAbout9Gflops() throws IOException {
    // Swin-T and ConvNeXt-T: 4.5 G multiply-accumulates at 224x224 (their papers' tables)
    assertThat(flops("swin-tiny-patch4-window7-224", 0, "inference"))
        .isCloseTo(9.0e9, within(0.9e9));
    assertThat(flops("convnext-tiny-224", 0, "inference")).isCloseTo(9.0e9, within(0.9e9));
  }

  @Test
  void decodersSpendAboutTwoFlopsPerParameterPerGeneratedToken() throws IOException {
    // the usual forward cost of a decoder, 2 N per token (Kaplan et al. 2020), at a short context
    assertThat(flops("gpt2", 128, "decode")).isCloseTo(2 * 124.44e6, within(0.1 * 2 * 124.44e6));
    assertThat(flops("llama-2-7b", 128, "decode"))
        .isCloseTo(2 * 6.738e9, within(0.1 * 2 * 6.738e9));
  }

  @Test
  void stableDiffusionUnetStepIsWithinTenPercentOfOnnxToolsProfile() throws IOException {
    // onnx-tool (ThanatosShinji/onnx-tool README) profiles the SD v1.4 UNet2DCondition ONNX export
    // at 888,870 M MACs for a batch of 2 (classifier-free guidance) on a 64x64 latent: 444.4 G per
    // sample; it also counts element-wise, norm and softmax work, which neuronfit does not
    double perSample = 2 * 444.435e9;
    assertThat(flops("stable-diffusion-v1-5", 0, "inference"))
        .isCloseTo(perSample, within(0.1 * perSample));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gpt2",
        "llama-2-7b",
        "tiny-llama-2-sharded",
        "t5-small",
        "bart-large-cnn",
        "whisper-tiny",
        "opus-mt-en-de"
      })
  void decodeIsMemoryBoundOnEveryTarget(String example) throws IOException {
    Report r = report(example, OptionalInt.empty(), OptionalInt.empty());
    assertThat(r.estimates()).containsKeys("inf1", "trn1", "inf2");
    r.estimates()
        .values()
        .forEach(
            e ->
                assertThat(e.phases())
                    .filteredOn(p -> p.phase().equals("decode"))
                    .isNotEmpty()
                    .allSatisfy(
                        p ->
                            assertThat(p.bound())
                                .as(example + " on " + e.target())
                                .isEqualTo("memory")));
  }

  @Test
  void prefillOfALongPromptIsComputeBoundOnNeuronCoreV2() throws IOException {
    Report r = report("llama-2-7b", OptionalInt.empty(), OptionalInt.empty());
    assertThat(r.estimates().get("inf2").phases().get(0).bound()).isEqualTo("compute");
  }

  @Test
  void batchRaisesThroughputAndKvCache() throws IOException {
    Report one = report("gpt2", OptionalInt.of(1), OptionalInt.of(128));
    Report eight = report("gpt2", OptionalInt.of(8), OptionalInt.of(128));
    assertThat(eight.workload().get().kvCacheBytes())
        .isEqualTo(8 * one.workload().get().kvCacheBytes());
    assertThat(eight.estimates().get("inf2").phases().get(1).throughputUpperBoundPerSecond())
        .isGreaterThan(one.estimates().get("inf2").phases().get(1).throughputUpperBoundPerSecond());
  }

  @Test
  void kvCacheOfLlama2At4096TokensIsTwoGib() throws IOException {
    // 32 layers x 4096 tokens x (K and V) x 4096 hidden x 2 bytes
    assertThat(
            report("llama-2-7b", OptionalInt.empty(), OptionalInt.empty())
                .workload()
                .get()
                .kvCacheBytes())
        .isEqualTo(32L * 4096 * 2 * 4096 * 2);
  }

  @Test
  void architecturesWithoutALayoutGetNoWorkload() throws IOException {
    assertThat(report("chatglm2-6b", OptionalInt.empty(), OptionalInt.empty()).workload())
        .isEmpty();
    assertThat(report("timm-mixer-b16", OptionalInt.empty(), OptionalInt.empty()).estimates())
        .isEmpty();
  }
}
