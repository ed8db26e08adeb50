package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Family;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.MarkdownRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.report.Style;
import dev.neuronfit.report.TextRenderer;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real diffusers pipelines, sized component by component from their configs, against published
 * totals with a 5% tolerance. The configs are under core/src/test/resources/diffusers; their
 * sources (repository, path, commit) are in the README there.
 */
class DiffusersPipelineTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final double TOLERANCE = 0.05;

  private static Path pipeline(String name) {
    return TestFiles.repoRoot().resolve("core/src/test/resources/diffusers").resolve(name);
  }

  private static Report report(Path folder) throws IOException {
    return INSPECTOR.report(
        new HfReader().read(folder, ReadLimits.DEFAULT), KB.defaultEdition(), Selection.ALL);
  }

  private static ComponentSize component(Report r, String name) {
    return r.model().components().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static long parameters(Report r, String name) {
    return component(r, name).parameters().orElseThrow();
  }

  private static void assertWithin5Percent(long actual, double published) {
    assertThat((double) actual).isCloseTo(published, within(published * TOLERANCE));
  }

  @Test
  void sd35LargeIsSizedComponentByComponent() throws IOException {
    Report r = report(pipeline("sd3.5-large"));
    // Hugging Face's SD3.5 announcement (huggingface.co/blog/sd3-5): "a large (8B) model"; the
    // checkpoint's own index (RevL-Lambda-DevRel/Stable-Diffusion-3.5-Large,
    // diffusion_pytorch_model.safetensors.index.json) declares 16,292,561,536 bytes of BF16
    // tensors, 8,146,280,768 parameters, which the MMDiT layout reproduces exactly
    assertWithin5Percent(parameters(r, "transformer"), 8.1e9);
    assertThat(parameters(r, "transformer")).isEqualTo(16_292_561_536L / 2);
    // the T5 text encoder is the encoder stack alone: T5-v1.1-XXL's 24 encoder layers of
    // 4 x 4096 x 4096 attention and 3 x 4096 x 10240 gated FFN plus its 32128 x 4096 embedding
    assertWithin5Percent(parameters(r, "text_encoder_3"), 4.76e9);
    assertThat(component(r, "text_encoder_3").detail()).contains("encoder-only");
    // KerasHub's preset for stable_diffusion_3.5_large (keras-team/keras-hub,
    // keras_hub/src/models/stable_diffusion_3/stable_diffusion_3_presets.py) counts
    // 9,048,410,595 parameters for CLIP-L, CLIP-G, the MMDiT and the VAE, without T5
    long withoutT5 =
        r.model().weights().parameters().orElseThrow() - parameters(r, "text_encoder_3");
    assertWithin5Percent(withoutT5, 9_048_410_595.0);
    assertThat(r.model().components())
        .extracting(ComponentSize::name)
        .containsExactly("text_encoder", "text_encoder_2", "text_encoder_3", "transformer", "vae");
    assertThat(r.model().weights().parameters().orElseThrow())
        .isEqualTo(
            r.model().components().stream().mapToLong(c -> c.parameters().orElseThrow()).sum());
    assertThat(r.architecture().family()).isEqualTo(Family.DIFFUSION);
  }

  @Test
  void fluxTransformerHasItsDoubleAndSingleStreamBlocks() throws IOException {
    Report r = report(pipeline("flux.1-schnell"));
    // Black Forest Labs' model card: "a 12 billion parameter rectified flow transformer";
    // diffusers reports 11,891,178,560 for FLUX.1-schnell (no guidance embedder)
    assertWithin5Percent(parameters(r, "transformer"), 11.9e9);
    assertThat(parameters(r, "transformer")).isEqualTo(11_891_178_560L);
    // T5 as the encoder alone, not the 11.1 B encoder-decoder it was counted as before
    assertWithin5Percent(parameters(r, "text_encoder_2"), 4.76e9);
    assertThat(component(r, "transformer").source()).isEqualTo(SizeSource.CONFIG_LAYOUT);
    assertThat(component(r, "transformer").detail()).contains("bitsandbytes 4-bit");
    assertThat(r.architecture().family()).isEqualTo(Family.DIFFUSION);
    assertThat(r.workload()).isPresent();
    assertThat(r.workload().get().method()).contains("FluxTransformer2DModel");
    // 1024 px images: a 128 x 128 latent packed 2 x 2 into 4096 tokens, beside 512 T5 tokens
    assertThat(r.workload().get().assumptions())
        .anyMatch(a -> a.contains("4096 latent tokens and 512 text tokens"));
  }

  @Test
  void fluxDevAddsItsGuidanceEmbedder() throws IOException {
    // FLUX.1-dev's transformer differs from schnell's by guidance_embeds only; diffusers counts
    // 11,901,408,320 parameters for it (two 256 -> 3072 -> 3072 embedders more than schnell's one)
    String config =
        Files.readString(pipeline("flux.1-schnell").resolve("transformer/config.json"))
            .replace("\"guidance_embeds\": false", "\"guidance_embeds\": true");
    long dev =
        ParameterEstimator.single(new dev.neuronfit.model.HfConfig("config.json", json(config)))
            .orElseThrow();
    assertThat(dev).isEqualTo(11_901_408_320L);
    assertWithin5Percent(dev, 11.9e9);
  }

  @Test
  void pixArtAlphaIsADitWithCrossAttentionToItsCaption() throws IOException {
    // PixArt-alpha's transformer as its 1024 px checkpoint configures it (PixArt-XL-2-1024-MS);
    // the PixArt-alpha paper (Chen et al., arXiv:2310.00426) gives 0.6 B parameters
    String config =
        """
        {"_class_name": "PixArtTransformer2DModel", "num_layers": 28, "num_attention_heads": 16,
         "attention_head_dim": 72, "cross_attention_dim": 1152, "caption_channels": 4096,
         "patch_size": 2, "in_channels": 4, "out_channels": 8, "sample_size": 128}
        """;
    long p =
        ParameterEstimator.single(new dev.neuronfit.model.HfConfig("config.json", json(config)))
            .orElseThrow();
    assertWithin5Percent(p, 0.6e9);
  }

  @Test
  void aContinuousTransformer2DModelIsNotWalkedAsADit() throws IOException {
    // no patch_size: the latent is not cut into patches, a layout this walk does not cover
    String config =
        """
        {"_class_name": "Transformer2DModel", "num_layers": 2, "num_attention_heads": 2,
         "attention_head_dim": 8, "in_channels": 4}
        """;
    assertThat(
            ParameterEstimator.single(
                new dev.neuronfit.model.HfConfig("config.json", json(config))))
        .isEmpty();
  }

  @Test
  void oneMmditBlockCountsItsTwoStreamsAndJointAttentionByHand() throws IOException {
    // one (last, context-pre-only) block of width 8: 2 heads of 4, patch 1, 1 channel
    String config =
        """
        {"_class_name": "SD3Transformer2DModel", "num_layers": 1, "num_attention_heads": 2,
         "attention_head_dim": 4, "in_channels": 1, "out_channels": 1, "patch_size": 1,
         "joint_attention_dim": 8, "caption_projection_dim": 8, "pooled_projection_dim": 8}
        """;
    var c = new dev.neuronfit.model.HfConfig("config.json", json(config));
    LayoutCount count = DiffusionTransformers.sd3(c, 4, 2).orElseThrow();
    // patch 1x8+8; timestep 256x8+8 + 8x8+8; pooled 8x8+8 + 8x8+8; context 8x8+8
    long embed = 16 + (2056 + 72) + (72 + 72) + 72;
    // block: adaLN 8->48 and (last) 8->16; latent q,k,v,out 4x72; text q,k,v 3x72; FF 8->32->8
    long block = (8 * 48 + 48) + (8 * 16 + 16) + 4 * 72 + 3 * 72 + (8 * 32 + 32 + 32 * 8 + 8);
    // norm_out 8->16, proj_out 8->1
    long out = (8 * 16 + 16) + (8 + 1);
    assertThat(count.parameters()).hasValue(embed + block + out);
    // 4 latent tokens x (1x8 patch + 12x64 block + 8 proj) + 2 text tokens x (8x8 + 3x64)
    // + joint attention 2 x 6^2 x 8
    double macs = 4 * (8 + 12 * 64 + 8) + 2 * (64 + 3 * 64) + 2.0 * 36 * 8;
    assertThat(count.macs()).isEqualTo(macs);
  }

  @Test
  void fluxBlocksCountEachTokenThroughItsOwnStreamByHand() throws IOException {
    // width 8 (2 heads of 4): one double-stream and one single-stream block, no guidance
    String config =
        """
        {"_class_name": "FluxTransformer2DModel", "num_layers": 1, "num_single_layers": 1,
         "num_attention_heads": 2, "attention_head_dim": 4, "in_channels": 4,
         "joint_attention_dim": 8, "pooled_projection_dim": 8, "patch_size": 1}
        """;
    var c = new dev.neuronfit.model.HfConfig("config.json", json(config));
    LayoutCount count = DiffusionTransformers.flux(c, 4, 2).orElseThrow();
    // timestep 256x8+8 + 8x8+8; pooled 8x8+8 + 8x8+8; context 8x8+8; x 4x8+8
    long embed = (2056 + 72) + (72 + 72) + 72 + 40;
    // double: two adaLN 8->48, 8 projections of 8x8+8, 4 q/k norms of 4, two FF 8->32->8
    long dbl = 2 * (8 * 48 + 48) + 8 * 72 + 4 * 4 + 2 * (8 * 32 + 32 + 32 * 8 + 8);
    // single: adaLN 8->24, q,k,v, 2 norms, MLP in 8->32, out 40->8
    long single = (8 * 24 + 24) + 3 * 72 + 2 * 4 + (8 * 32 + 32) + (40 * 8 + 8);
    long out = (8 * 16 + 16) + (8 * 4 + 4);
    assertThat(count.parameters()).hasValue(embed + dbl + single + out);
    // 2 text tokens x 8x8 context + 4 latent x 4x8 in; both blocks 6 tokens x 12x64 and joint
    // attention 2 x 6^2 x 8 each; proj_out 4 x 8x4
    double macs = 2 * 64 + 4 * 32 + 2 * (6 * 12 * 64 + 2.0 * 36 * 8) + 4 * 32;
    assertThat(count.macs()).isEqualTo(macs);
  }

  @Test
  void sdxlUnetCountsEachBlocksTransformerDepth() throws IOException {
    Report r = report(pipeline("sdxl-base-1.0"));
    // SDXL paper (Podell et al., arXiv:2307.01952, Table 1): a 2.6B-parameter UNet; diffusers
    // counts 2,567,463,684 for stabilityai/stable-diffusion-xl-base-1.0's unet
    assertWithin5Percent(parameters(r, "unet"), 2.57e9);
    assertThat(parameters(r, "unet")).isEqualTo(2_567_463_684L);
    // Stability AI's SDXL 1.0 model card: "a 3.5B parameter base model"
    assertWithin5Percent(r.model().weights().parameters().orElseThrow(), 3.5e9);
    // CLIP ViT-L text tower, and OpenCLIP bigG with its text projection
    assertThat(parameters(r, "text_encoder")).isEqualTo(123_060_480L);
    assertThat(parameters(r, "text_encoder_2")).isEqualTo(694_659_840L);
  }

  @Test
  void aUnetFolderAloneGetsAWorkloadAsWellAsParameters() throws IOException {
    Report r = report(pipeline("sdxl-base-1.0").resolve("unet"));
    assertThat(r.model().weights().parameters()).hasValue(2_567_463_684L);
    assertThat(r.workload()).isPresent();
    assertThat(r.workload().get().method()).contains("UNet2DConditionModel");
  }

  @Test
  void aTransformerFolderAloneGetsAWorkloadAsWellAsParameters() throws IOException {
    Report r = report(pipeline("sd3.5-large").resolve("transformer"));
    assertThat(r.model().weights().parameters()).hasValue(8_146_280_768L);
    assertThat(r.workload()).isPresent();
    assertThat(r.workload().get().method()).contains("SD3Transformer2DModel");
  }

  @Test
  void a3dUnetIsSkippedForParametersAndComputeAlike(@TempDir Path dir) throws IOException {
    Path p = copy(pipeline("sdxl-base-1.0"), dir);
    Path unet = p.resolve("unet/config.json");
    Files.writeString(
        unet,
        Files.readString(unet)
            .replace("UNet2DConditionModel", "UNet3DConditionModel")
            .replace("CrossAttnDownBlock2D", "CrossAttnDownBlock3D"));
    Files.writeString(
        p.resolve("model_index.json"),
        Files.readString(p.resolve("model_index.json"))
            .replace("UNet2DConditionModel", "UNet3DConditionModel"));
    Report r = report(p);
    ComponentSize u = component(r, "unet");
    assertThat(u.source()).isEqualTo(SizeSource.UNKNOWN);
    assertThat(u.detail()).isEqualTo("no layout for UNet3DConditionModel");
    // no UNet layout runs for it: the workload, if any, is the weights-only one of the sized rest
    assertThat(r.workload().map(w -> w.method()).orElse("")).doesNotContain("UNet", "denoising");
    String text = text(r);
    assertThat(text)
        .contains("not sized: no layout for UNet3DConditionModel")
        .contains("total without unet (not sized)");
    assertThat(r.model().weights().basis()).contains("not sized: unet");
  }

  @Test
  void aComponentWithWeightFilesIsSizedByThemAndTheRestByTheirLayouts(@TempDir Path dir)
      throws IOException {
    Path p = copy(pipeline("sdxl-base-1.0"), dir);
    new dev.neuronfit.testing.SafetensorsWriter()
        .add("w", "F16", 10, 10)
        .write(p.resolve("vae/diffusion_pytorch_model.safetensors"));
    Report r = report(p);
    ComponentSize vae = component(r, "vae");
    assertThat(vae.source()).isEqualTo(SizeSource.WEIGHT_FILES);
    assertThat(vae.parameters()).hasValue(100);
    assertThat(vae.bytes()).hasValue(200);
    assertThat(component(r, "unet").source()).isEqualTo(SizeSource.CONFIG_LAYOUT);
    // the total is every component's, not the weight files' alone
    assertThat(r.model().weights().parameters())
        .hasValue(2_567_463_684L + 123_060_480L + 694_659_840L + 100);
    assertThat(r.model().weights().basis()).contains("vae (weight-files)", "unet (config-layout)");
  }

  @Test
  void aConfigNumberOutOfRangeLeavesThatComponentUnsizedAndTheOthersSized(@TempDir Path dir)
      throws IOException {
    Path p = copy(pipeline("sdxl-base-1.0"), dir);
    Path unet = p.resolve("unet/config.json");
    Files.writeString(
        unet,
        Files.readString(unet)
            .replace("\"cross_attention_dim\": 2048", "\"cross_attention_dim\": 0"));
    Report r = report(p);
    assertThat(component(r, "unet").source()).isEqualTo(SizeSource.UNKNOWN);
    assertThat(component(r, "unet").detail()).contains("cross_attention_dim");
    assertThat(component(r, "vae").source()).isEqualTo(SizeSource.CONFIG_LAYOUT);
    assertThat(text(r)).contains("total without unet (not sized)");
  }

  @Test
  void aT5EncoderFolderAloneIsAnEncoderWithAWorkload() throws IOException {
    Report r = report(pipeline("sd3.5-large").resolve("text_encoder_3"));
    assertWithin5Percent(r.model().weights().parameters().orElseThrow(), 4.76e9);
    assertThat(r.workload()).isPresent();
    assertThat(r.workload().get().phases()).extracting(p -> p.name()).containsExactly("inference");
  }

  @Test
  void aPipelineOutsideTheCatalogueWithAFlowMatchingSchedulerIsDiffusion(@TempDir Path dir)
      throws IOException {
    Path p = copy(pipeline("flux.1-schnell"), dir);
    Files.writeString(
        p.resolve("model_index.json"),
        Files.readString(p.resolve("model_index.json"))
            .replace("FluxPipeline", "SomeNewImagePipeline")
            .replace("FluxTransformer2DModel", "SomeNewTransformer2DModel"));
    Report r = report(p);
    assertThat(r.architecture().family()).isEqualTo(Family.DIFFUSION);
    assertThat(r.architecture().evidence())
        .anyMatch(e -> e.value().contains("FlowMatchEulerDiscreteScheduler"));
  }

  @Test
  void withoutAFlowMatchingSchedulerAnUnknownPipelineIsNotCalledDiffusion(@TempDir Path dir)
      throws IOException {
    Path p = copy(pipeline("flux.1-schnell"), dir);
    Files.writeString(
        p.resolve("model_index.json"),
        Files.readString(p.resolve("model_index.json"))
            .replace("FluxPipeline", "SomeNewImagePipeline")
            .replace("FluxTransformer2DModel", "SomeNewTransformer2DModel")
            .replace("FlowMatchEulerDiscreteScheduler", "SomeOtherScheduler"));
    assertThat(report(p).architecture().family()).isNotEqualTo(Family.DIFFUSION);
  }

  @Test
  void theComponentTableIsInEveryFormat() throws IOException {
    Report r = report(pipeline("sd3.5-large"));
    assertThat(text(r))
        .contains("COMPONENT", "text_encoder_3", "T5EncoderModel", "SD3Transformer2DModel")
        .contains("config layout: diffusers SD3Transformer2DModel layout");
    StringWriter md = new StringWriter();
    new MarkdownRenderer().reports(List.of(r), md);
    assertThat(md.toString())
        .contains("| Component | Class | Parameters |", "SD3Transformer2DModel");
    StringWriter html = new StringWriter();
    new dev.neuronfit.report.HtmlRenderer().reports(List.of(r), html);
    assertThat(html.toString())
        .contains("<table class=\"components\">", "<td>SD3Transformer2DModel</td>");
    StringWriter json = new StringWriter();
    new JsonRenderer().reports(List.of(r), json);
    var node = JsonSchemas.report(json.toString());
    assertThat(node.at("/model/components/3/class").asText()).isEqualTo("SD3Transformer2DModel");
    assertThat(node.at("/model/components/3/parameters").asLong()).isEqualTo(8_146_280_768L);
    assertThat(node.at("/model/components/3/sizeSource").asText()).isEqualTo("config-layout");
  }

  private static String text(Report r) {
    StringWriter out = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r), out);
    return out.toString();
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String s) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
