package dev.neuronfit.estimate.config;

import java.util.OptionalLong;

/**
 * What one walk of a config layout yields: the parameters the layout holds and the
 * multiply-accumulates of one pass through it at the walked input size.
 *
 * @param parameters weights and biases, empty when the config lacks a size only the parameters need
 *     (such as Swin's heads per stage)
 * @param macs multiply-accumulates of one item at the walked input size
 */
record LayoutCount(OptionalLong parameters, double macs) {
  static LayoutCount of(long parameters, double macs) {
    return new LayoutCount(OptionalLong.of(parameters), macs);
  }
}
