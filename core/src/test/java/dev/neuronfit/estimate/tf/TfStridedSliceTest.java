package dev.neuronfit.estimate.tf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** StridedSlice as Python slicing writes it, each case with its Python form. */
class TfStridedSliceTest {
  @Test
  void masksTakeWholeAxes() {
    // x[:, 1:3] of [2, 3, 4, 5]
    TensorValue y =
        slice(
            dims(2, 3, 4, 5),
            new long[] {0, 1},
            new long[] {0, 3},
            new long[] {1, 1},
            "begin_mask",
            1,
            "end_mask",
            1);
    assertThat(y.dims()).containsExactly(2, 2, 4, 5);
  }

  @Test
  void anEllipsisStandsForTheAxesBetween() {
    // x[..., 0] of [2, 3, 4, 5]
    TensorValue y =
        slice(
            dims(2, 3, 4, 5),
            new long[] {0, 0},
            new long[] {0, 1},
            new long[] {1, 1},
            "ellipsis_mask",
            1,
            "shrink_axis_mask",
            2);
    assertThat(y.dims()).containsExactly(2, 3, 4);
  }

  @Test
  void aNewAxisHasSizeOne() {
    // x[tf.newaxis, :] of [3]
    TensorValue y =
        slice(
            dims(3),
            new long[] {0, 0},
            new long[] {0, 0},
            new long[] {1, 1},
            "new_axis_mask",
            1,
            "begin_mask",
            2,
            "end_mask",
            2);
    assertThat(y.dims()).containsExactly(1, 3);
  }

  @Test
  void keepsTheNumbersOfASlicedShape() {
    // tf.shape(x)[1:3] and tf.shape(x)[-1], tf.shape(x)[::-1] of a [7, 8, 9] tensor
    TensorValue shape = TensorValue.vector(new long[] {7, 8, 9});
    assertThat(slice(shape, new long[] {1}, new long[] {3}, new long[] {1}).longs())
        .containsExactly(8, 9);
    TensorValue last =
        slice(shape, new long[] {-1}, new long[] {0}, new long[] {1}, "shrink_axis_mask", 1);
    assertThat(last.rank()).isZero();
    assertThat(last.longs()).containsExactly(9);
    TensorValue reversed =
        slice(
            shape, new long[] {0}, new long[] {0}, new long[] {-1}, "begin_mask", 1, "end_mask", 1);
    assertThat(reversed.longs()).containsExactly(9, 8, 7);
  }

  @Test
  void anUnknownAxisStaysUnknownUnlessTheBoundsFixIt() {
    // x[:, 2:5] and x[:, 1:] of [?, ?]
    assertThat(
            slice(
                    dims(-1, -1),
                    new long[] {0, 2},
                    new long[] {0, 5},
                    new long[] {1, 1},
                    "begin_mask",
                    1,
                    "end_mask",
                    1)
                .dims())
        .containsExactly(-1, 3);
    assertThat(
            slice(
                    dims(-1, -1),
                    new long[] {0, 1},
                    new long[] {0, 0},
                    new long[] {1, 1},
                    "begin_mask",
                    1,
                    "end_mask",
                    3)
                .dims())
        .containsExactly(-1, -1);
  }

  @Test
  void aZeroStrideOrTooManyAxesIsUnknown() {
    assertThat(slice(dims(4), new long[] {0}, new long[] {4}, new long[] {0}).rankKnown())
        .isFalse();
    assertThat(slice(dims(4), new long[] {0, 0}, new long[] {1, 1}, new long[] {1, 1}).rankKnown())
        .isFalse();
  }

  private static TensorValue dims(long... d) {
    return TensorValue.of(d, false);
  }

  private static TensorValue slice(
      TensorValue x, long[] begin, long[] end, long[] strides, Object... masks) {
    Map<String, AttributeValue> attrs = new HashMap<>();
    for (int i = 0; i < masks.length; i += 2) {
      attrs.put((String) masks[i], new AttributeValue.Int((Integer) masks[i + 1]));
    }
    return TfStridedSlice.apply(
        NodeView.of(
            "StridedSlice",
            List.of(
                x,
                TensorValue.integers(begin),
                TensorValue.integers(end),
                TensorValue.integers(strides)),
            attrs,
            1));
  }
}
