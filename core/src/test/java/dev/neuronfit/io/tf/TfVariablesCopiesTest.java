package dev.neuronfit.io.tf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras 3 export lists its variables under both {@code variables/N} and {@code _all_variables/N},
 * in different orders and each with its own data (seen in the CNN and ViT SavedModels of
 * ../shared/models: 89 MB of data for a model of 11.2 M parameters).
 */
class TfVariablesCopiesTest {
  private static TensorInfo t(String name, DType dtype, long... shape) {
    long elements = 1;
    for (long d : shape) {
      elements *= d;
    }
    List<Long> dims = java.util.Arrays.stream(shape).boxed().toList();
    return new TensorInfo(name, dtype, dims, elements, dtype.bytesFor(elements), "data");
  }

  private static final String V = "/.ATTRIBUTES/VARIABLE_VALUE";

  @Test
  void dropsTheSecondListWhenEveryEntryHasItsTwinUnderVariables() {
    List<TensorInfo> all =
        List.of(
            t("_all_variables/0" + V, DType.F32, 3, 3, 3, 32),
            t("_all_variables/1" + V, DType.F32, 64),
            t("variables/0" + V, DType.F32, 3, 3, 3, 32),
            t("variables/1" + V, DType.F32, 64),
            // a seed generator's state, under variables/ only
            t("variables/2" + V, DType.I64, 2));
    assertThat(TfVariables.withoutKeras3Copies(all))
        .extracting(TensorInfo::name)
        .containsExactly("variables/0" + V, "variables/1" + V, "variables/2" + V);
  }

  @Test
  void keepsBothWhenTheListsHoldDifferentTensors() {
    List<TensorInfo> all =
        List.of(
            t("_all_variables/0" + V, DType.F32, 3, 3, 3, 32),
            t("_all_variables/1" + V, DType.F32, 128),
            t("variables/0" + V, DType.F32, 3, 3, 3, 32),
            t("variables/1" + V, DType.F32, 64));
    assertThat(TfVariables.withoutKeras3Copies(all)).hasSize(4);
  }

  @Test
  void keepsEverythingWithoutAnAllVariablesList() {
    List<TensorInfo> all =
        List.of(t("dense/kernel" + V, DType.F32, 4, 4), t("variables/0" + V, DType.F32, 4, 4));
    assertThat(TfVariables.withoutKeras3Copies(all)).hasSize(2);
  }
}
