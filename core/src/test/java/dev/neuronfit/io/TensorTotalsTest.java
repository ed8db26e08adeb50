package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTotalsTest {
  private static final Path FILE = Path.of("model.onnx");

  private static TensorInfo tensor(String name, long elements, long bytes) {
    return new TensorInfo(name, DType.F32, List.of(elements), elements, bytes, "model.onnx");
  }

  @Test
  void totalsThatFitALongPass() {
    List<TensorInfo> tensors =
        List.of(tensor("a", 1L << 40, 4L << 40), tensor("b", 1L << 40, 4L << 40));

    assertThatCode(() -> TensorTotals.check(FILE, tensors)).doesNotThrowAnyException();
  }

  @Test
  void aByteTotalOverALongNamesTheTensorWhereItOverflows() {
    List<TensorInfo> tensors =
        List.of(
            tensor("a", 1, Long.MAX_VALUE / 2 + 1),
            tensor("b", 1, Long.MAX_VALUE / 2 + 1),
            tensor("c", 1, 4));

    assertThatThrownBy(() -> TensorTotals.check(FILE, tensors))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.onnx")
        .hasMessageContaining("tensor \"b\"")
        .hasMessageContaining("total size overflows");
  }

  @Test
  void anElementTotalOverALongIsRefusedToo() {
    List<TensorInfo> tensors =
        List.of(tensor("a", Long.MAX_VALUE - 1, 8), tensor("b", Long.MAX_VALUE - 1, 8));

    assertThatThrownBy(() -> TensorTotals.check(FILE, tensors))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("tensor \"b\"");
  }
}
