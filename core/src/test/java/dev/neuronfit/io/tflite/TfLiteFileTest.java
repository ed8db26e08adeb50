package dev.neuronfit.io.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFLite files are refused with the reason and, when they record it, their origin. Real files come
 * from the shared corpus (tensorflow/tflite-micro and tensorflow/tflite-support test data, listed
 * in its MANIFEST.tsv); the tests skip without it.
 */
class TfLiteFileTest {
  @TempDir Path dir;

  private static Path shared(String relative) {
    return TestFiles.sharedOrSkip("TFLite origins of real files")
        .resolve("models")
        .resolve(relative);
  }

  @Test
  void namesTheKerasSourceAndTensorFlowVersionFromConversionMetadata() throws IOException {
    Path file = shared("unknown/tflm__hello_world_float.tflite");

    assertThat(TfLiteFile.origin(file))
        .hasValue(
            "converted from a Keras model with TensorFlow 2.11.0; its description: \"MLIR"
                + " Converted.\"");
  }

  @Test
  void namesTheModelFromTfliteSupportMetadata() throws IOException {
    Path file = shared("cnn/tflsupport__mobilenet_v1_0.25_224_quant.tflite");

    assertThat(TfLiteFile.origin(file).orElseThrow())
        .contains("its metadata names the model \"MobileNetV1 image classifier (quantized)\"");
  }

  @Test
  void theLocatorRefusesItSayingWhyAndWhatToRunInstead() {
    Path file = shared("lstm/lstmlsch__model_quantized.tflite");

    assertThatThrownBy(() -> new ModelLocator(ReadLimits.DEFAULT).locate(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("mobile and edge")
        .hasMessageContaining("Neuron SDK does not compile")
        .hasMessageContaining("converted from a Keras model with TensorFlow 2.15.0")
        .hasMessageContaining("Run neuronfit on the TensorFlow, Keras, PyTorch or ONNX model");
  }

  @Test
  void damagedFlatbuffersAreRefusedWithoutAnOrigin() throws IOException {
    Random random = new Random(16);
    for (int i = 0; i < 500; i++) {
      byte[] b = new byte[8 + random.nextInt(300)];
      random.nextBytes(b);
      b[4] = 'T';
      b[5] = 'F';
      b[6] = 'L';
      b[7] = '3';
      Path file = Files.write(dir.resolve("m" + i + ".tflite"), b);

      ModelFormatException e = TfLiteFile.refusal(file);

      assertThat(e.getMessage()).contains("a TensorFlow Lite model").doesNotContain("\n");
    }
  }
}
