package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named graph input, output or intermediate value with its element type and shape.
 *
 * @param name the value's name
 * @param elementType its element type, when declared
 * @param shape its dimensions, empty when the shape is not declared; a dimension may be symbolic
 */
public record ValueInfo(String name, Optional<DType> elementType, List<Dim> shape) {
  public ValueInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elementType, "elementType");
    shape = List.copyOf(shape);
  }

  /** One dimension: a size, a symbolic name such as {@code batch_size}, or unknown. */
  public record Dim(long value, String symbol) {
    public Dim {
      Objects.requireNonNull(symbol, "symbol");
    }

    public static Dim of(long value) {
      return new Dim(value, "");
    }

    public static Dim symbolic(String symbol) {
      return new Dim(-1, symbol);
    }

    public boolean isKnown() {
      return value >= 0;
    }

    @Override
    public String toString() {
      return isKnown() ? Long.toString(value) : symbol.isEmpty() ? "?" : symbol;
    }
  }

  /** e.g. {@code [batch, 3, 224, 224]}. */
  public String shapeText() {
    return shape.toString();
  }
}
