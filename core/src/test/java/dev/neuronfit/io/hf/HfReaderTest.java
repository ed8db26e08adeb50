package dev.neuronfit.io.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.testing.SafetensorsWriter;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfReaderTest {
  private static final Path SHARDED = TestFiles.examples().resolve("tiny-llama-2-sharded");
  private static final String SHARD_1 = "model-00001-of-00002.safetensors";
  private static final String SHARD_2 = "model-00002-of-00002.safetensors";

  /** metadata.total_size of the sharded example's index. */
  private static final long SHARDED_TOTAL_SIZE = 652_416;

  @TempDir Path dir;

  private static ModelProfile read(Path path) throws IOException {
    return new HfReader().read(path, ReadLimits.DEFAULT);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static Path copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
      for (Path p : ds) {
        Files.copy(p, to.resolve(p.getFileName().toString()));
      }
    }
    return to;
  }

  /** Elements and data bytes declared by a safetensors header, parsed here independently. */
  private record Declared(long elements, long bytes, int tensors) {}

  private static Declared declared(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int n = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(all, 8, n, StandardCharsets.UTF_8));
    long elements = 0;
    long bytes = 0;
    int tensors = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      long product = 1;
      for (JsonNode d : e.getValue().get("shape")) {
        product *= d.asLong();
      }
      elements += product;
      JsonNode offsets = e.getValue().get("data_offsets");
      bytes += offsets.get(1).asLong() - offsets.get(0).asLong();
      tensors++;
    }
    return new Declared(elements, bytes, tensors);
  }

  @Test
  void shardedModelWithAllShardsSumsTheShardHeaders() throws IOException {
    Declared one = declared(SHARDED.resolve(SHARD_1));
    Declared two = declared(SHARDED.resolve(SHARD_2));

    ModelProfile profile = read(SHARDED);

    assertThat(profile.weights().estimated()).isFalse();
    assertThat(profile.weights().parameters()).hasValue(one.elements() + two.elements());
    assertThat(profile.weights().bytes())
        .hasValue(one.bytes() + two.bytes())
        .hasValue(SHARDED_TOTAL_SIZE);
    assertThat(profile.weights().dtypes()).containsOnlyKeys(DType.BF16);
    assertThat(profile.tensors()).hasSize(one.tensors() + two.tensors());
    assertThat(profile.tensors().stream().map(TensorInfo::file).distinct())
        .containsExactlyInAnyOrder(SHARD_1, SHARD_2);
    assertThat(profile.weights().basis()).contains("2 shards", "model.safetensors.index.json");
    assertThat(profile.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(profile.notes()).isEmpty();
    assertThat(profile.hf().flatMap(HfMetadata::config).flatMap(c -> c.string("model_type")))
        .hasValue("llama");
  }

  @Test
  void shardedModelWithAShardMissingFallsBackToTheDeclaredTotal() throws IOException {
    Path model = copyFolder(SHARDED, dir.resolve("llama"));
    Files.delete(model.resolve(SHARD_2));

    ModelProfile profile = read(model);

    assertThat(profile.weights().estimated()).isTrue();
    assertThat(profile.weights().parameters()).isEmpty();
    assertThat(profile.weights().bytes()).hasValue(SHARDED_TOTAL_SIZE);
    assertThat(profile.weights().basis()).contains("metadata.total_size");
    assertThat(profile.tensors()).isEmpty();
    assertThat(profile.notes()).singleElement().asString().contains("1 of 2", SHARD_2);
  }

  @Test
  void shardedModelWithoutShardsOrTotalSizeHasNoFigures() throws IOException {
    write(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a\": \"" + SHARD_1 + "\"}}");

    ModelProfile profile = read(dir);

    assertThat(profile.weights().bytes()).isEmpty();
    assertThat(profile.weights().parameters()).isEmpty();
    assertThat(profile.weights().basis()).contains("no total_size");
  }

  @Test
  void indexThatMapsOtherTensorsThanTheShardsDeclareGetsANote() throws IOException {
    new SafetensorsWriter().add("a", "F32", 2).add("b", "F32", 2).write(dir.resolve(SHARD_1));
    write(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\": {\"total_size\": 16}, \"weight_map\": {\"a\": \"" + SHARD_1 + "\"}}");

    ModelProfile profile = read(dir);

    assertThat(profile.weights().parameters()).hasValue(4);
    assertThat(profile.notes()).singleElement().asString().contains("maps 1 tensors", "declare 2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x.safetensors",
        "/etc/passwd",
        "sub/x.safetensors",
        "..",
        ".",
        ".hidden.safetensors",
        "sub\\\\x.safetensors",
        "C:x.safetensors",
        "x\\u0000.safetensors",
        ""
      })
  void indexNamingAShardOutsideTheFolderIsRefused(String shard) throws IOException {
    Path model = dir.resolve("model");
    // make the named files exist, so only the name itself can be the reason to refuse
    new SafetensorsWriter().add("w", "F32", 1).write(dir.resolve("x.safetensors"));
    Files.createDirectories(model.resolve("sub"));
    new SafetensorsWriter().add("w", "F32", 1).write(model.resolve("sub/x.safetensors"));
    write(
        model.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"w\": \"" + shard + "\"}}");

    assertThatThrownBy(() -> read(model))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.safetensors.index.json")
        .hasMessageContaining("weight_map \"w\"")
        .hasMessageContaining("not a plain file name");
  }

  @Test
  void plainFileIsCountedAndItsPrecisionVariantIsNot() throws IOException {
    new SafetensorsWriter().add("w", "F32", 2, 3).write(dir.resolve("model.safetensors"));
    new SafetensorsWriter().add("w", "F16", 2, 3).write(dir.resolve("model.fp16.safetensors"));

    ModelProfile profile = read(dir);

    assertThat(profile.weights().parameters()).hasValue(6);
    assertThat(profile.weights().bytes()).hasValue(24);
    assertThat(profile.tensors()).extracting(TensorInfo::file).containsOnly("model.safetensors");
  }

  @Test
  void aVariantAloneIsCounted() throws IOException {
    new SafetensorsWriter().add("w", "F16", 2, 3).write(dir.resolve("model.fp16.safetensors"));

    ModelProfile profile = read(dir);

    assertThat(profile.weights().bytes()).hasValue(12);
    assertThat(profile.tensors())
        .extracting(TensorInfo::file)
        .containsOnly("model.fp16.safetensors");
  }

  @Test
  void unindexedShardsAreAllCounted() throws IOException {
    new SafetensorsWriter().add("a", "F32", 4).write(dir.resolve(SHARD_1));
    new SafetensorsWriter().add("b", "F32", 4).write(dir.resolve(SHARD_2));

    ModelProfile profile = read(dir);

    assertThat(profile.weights().parameters()).hasValue(8);
    assertThat(profile.weights().basis()).contains("2 files");
  }

  @Test
  void pytorchIndexTotalIsUsedAndTheBinFilesAreNeverOpened() throws Exception {
    write(dir.resolve("config.json"), "{\"architectures\": [\"BertModel\"]}");
    write(
        dir.resolve("pytorch_model.bin.index.json"),
        """
        {"metadata": {"total_size": 123456},
         "weight_map": {"a": "pytorch_model-00001-of-00002.bin",
                        "b": "pytorch_model-00002-of-00002.bin"}}""");
    // Opening a named pipe for reading blocks until a writer comes, so a reader that opens a
    // shard hangs and fails the timeout. Where mkfifo is missing, plain files prove less.
    for (String shard :
        new String[] {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"}) {
      if (!makeFifo(dir.resolve(shard))) {
        write(dir.resolve(shard), "not a pickle");
      }
    }

    ModelProfile profile = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> read(dir));

    assertThat(profile.weights().bytes()).hasValue(123456);
    assertThat(profile.weights().parameters()).isEmpty();
    assertThat(profile.weights().estimated()).isTrue();
    assertThat(profile.weights().basis()).contains("pytorch_model.bin.index.json", "not opened");
    assertThat(profile.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(profile.tensors()).isEmpty();
  }

  private static boolean makeFifo(Path path) {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).start();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void singlePytorchBinIsSizedNotOpened() throws IOException {
    write(dir.resolve("pytorch_model.bin"), "garbage that is no pickle");
    // torch.load fails on it at once: not a zip, tar or pickle, so nothing to check for hazards

    ModelProfile profile = read(dir);

    assertThat(profile.weights().bytes()).hasValue(Files.size(dir.resolve("pytorch_model.bin")));
    assertThat(profile.weights().basis()).contains("not opened");
  }

  @Test
  void diffusersPipelineCountsComponentsWithWeightsAndNotesThoseWithout() throws IOException {
    write(
        dir.resolve("model_index.json"),
        """
        {"_class_name": "StableDiffusionPipeline",
         "_diffusers_version": "0.21.0",
         "unet": ["diffusers", "UNet2DConditionModel"],
         "text_encoder": ["transformers", "CLIPTextModel"],
         "scheduler": ["diffusers", "PNDMScheduler"],
         "safety_checker": [null, null]}""");
    write(dir.resolve("unet/config.json"), "{\"_class_name\": \"UNet2DConditionModel\"}");
    long unetElements =
        new SafetensorsWriter()
            .add("conv_in.weight", "F16", 8, 4, 3, 3)
            .add("conv_in.bias", "F16", 8)
            .write(dir.resolve("unet/diffusion_pytorch_model.safetensors"));
    write(
        dir.resolve("text_encoder/config.json"),
        "{\"architectures\": [\"CLIPTextModel\"], \"model_type\": \"clip_text_model\"}");
    write(dir.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": \"PNDMScheduler\"}");

    ModelProfile profile = read(dir);

    HfMetadata hf = profile.hf().orElseThrow();
    assertThat(hf.pipelineClass()).hasValue("StableDiffusionPipeline");
    assertThat(hf.config()).isEmpty();
    assertThat(hf.components())
        .extracting(HfComponent::name)
        .containsExactly("unet", "text_encoder", "scheduler");
    assertThat(hf.component("unet").orElseThrow().config()).isPresent();
    assertThat(hf.component("scheduler").orElseThrow().config()).isEmpty();
    assertThat(hf.component("text_encoder").orElseThrow().library()).isEqualTo("transformers");
    assertThat(profile.weights().parameters()).hasValue(unetElements);
    assertThat(profile.weights().bytes()).hasValue(unetElements * 2);
    assertThat(profile.weights().estimated()).isFalse();
    assertThat(profile.tensors())
        .extracting(TensorInfo::name)
        .containsExactly("unet/conv_in.weight", "unet/conv_in.bias");
    assertThat(profile.tensors())
        .extracting(TensorInfo::file)
        .containsOnly("unet/diffusion_pytorch_model.safetensors");
    assertThat(profile.notes())
        .singleElement()
        .asString()
        .contains("no weight files for component(s) text_encoder", "weight files cover unet");
  }

  @Test
  void pipelineComponentThatIsNoPlainFolderNameIsRefused() throws IOException {
    write(
        dir.resolve("model_index.json"),
        "{\"_class_name\": \"XPipeline\", \"a/../../b\": [\"diffusers\", \"UNet\"]}");

    assertThatThrownBy(() -> read(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model_index.json")
        .hasMessageContaining("not a plain folder name");
  }

  @Test
  void pipelineExampleOfConfigsOnlyHasComponentsButNoWeightFigures() throws IOException {
    Path sd = TestFiles.examples().resolve("stable-diffusion-v1-5");

    ModelProfile profile = read(sd);

    assertThat(profile.hf().flatMap(HfMetadata::pipelineClass)).hasValue("StableDiffusionPipeline");
    assertThat(profile.hf().orElseThrow().component("unet").orElseThrow().config()).isPresent();
    assertThat(profile.weights().parameters()).isEmpty();
    assertThat(profile.weights().basis()).isEqualTo("no weight files");
  }

  @Test
  void modelIndexPathReadsThePipeline() throws IOException {
    Path index = TestFiles.examples().resolve("stable-diffusion-v1-5/model_index.json");

    ModelProfile profile = read(index);

    assertThat(profile.path()).isEqualTo(index.toString());
    assertThat(profile.hf().flatMap(HfMetadata::pipelineClass)).hasValue("StableDiffusionPipeline");
    assertThat(profile.hf().orElseThrow().components()).hasSize(7);
  }

  @Test
  void configPathReadsTheModelBesideIt() throws IOException {
    Path config = SHARDED.resolve("config.json");

    ModelProfile profile = read(config);

    assertThat(profile.path()).isEqualTo(config.toString());
    assertThat(profile.hf().flatMap(HfMetadata::config).map(HfConfig::file))
        .hasValue("config.json");
    assertThat(profile.weights().bytes()).hasValue(SHARDED_TOTAL_SIZE);
  }

  @Test
  void configOnlyFolderHasTheFrameworkOfItsArchitecture() throws IOException {
    ModelProfile gpt2 = read(TestFiles.examples().resolve("gpt2"));

    assertThat(gpt2.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(gpt2.weights().parameters()).isEmpty();
    assertThat(gpt2.weights().estimated()).isTrue();

    write(dir.resolve("tf/config.json"), "{\"architectures\": [\"TFBertModel\"]}");
    assertThat(read(dir.resolve("tf")).framework()).isEqualTo(Framework.TENSORFLOW);
  }

  @Test
  void bareSafetensorsPathIsReadByHeader() throws IOException {
    Path file = TestFiles.examples().resolve("tiny-faster-rcnn/model.safetensors");
    Declared expected = declared(file);

    ModelProfile profile = read(file);

    assertThat(profile.path()).isEqualTo(file.toString());
    assertThat(profile.tensors()).hasSize(expected.tensors());
    assertThat(profile.weights().parameters()).hasValue(expected.elements());
    assertThat(profile.weights().bytes()).hasValue(expected.bytes());
    assertThat(profile.weights().basis()).contains("model.safetensors");
  }

  @Test
  void safetensorsContentIsRecognisedUnderAMisleadingName() throws IOException {
    Path file = dir.resolve("weights.bin");
    long elements = new SafetensorsWriter().add("w", "BF16", 3, 5).write(file);

    ModelProfile profile = read(file);

    assertThat(profile.weights().parameters()).hasValue(elements);
    assertThat(profile.tensors())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.dtype()).isEqualTo(DType.BF16);
              assertThat(t.file()).isEqualTo("weights.bin");
            });
  }

  @Test
  void configContentIsRecognisedUnderAMisleadingName() throws IOException {
    Path file = dir.resolve("foo.txt");
    write(file, "{\"model_type\": \"bert\", \"architectures\": [\"BertModel\"]}");

    ModelProfile profile = read(file);

    HfConfig config = profile.hf().flatMap(HfMetadata::config).orElseThrow();
    assertThat(config.file()).isEqualTo("foo.txt");
    assertThat(config.string("model_type")).hasValue("bert");
  }

  @Test
  void folderWithoutConfigOrWeightsIsRefused() throws IOException {
    write(dir.resolve("README.md"), "# nothing here");

    assertThatThrownBy(() -> read(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("not a Hugging Face model folder");
  }

  @Test
  void missingPathIsRefused() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> read(missing))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("nope");
  }
}
