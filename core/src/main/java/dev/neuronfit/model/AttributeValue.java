package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;

/** The value of a node attribute, for the kinds detection and estimates use. */
public sealed interface AttributeValue {
  /** An integer, e.g. {@code group} of a Conv. */
  record Int(long value) implements AttributeValue {}

  /** A float, e.g. {@code alpha}. */
  record Float(double value) implements AttributeValue {}

  /** A string, e.g. {@code mode} of RoiAlign. */
  record Text(String value) implements AttributeValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A list of integers, e.g. {@code kernel_shape}, {@code strides}. */
  record Ints(List<Long> values) implements AttributeValue {
    public Ints {
      values = List.copyOf(values);
    }
  }

  /** A list of floats. */
  record Floats(List<Double> values) implements AttributeValue {
    public Floats {
      values = List.copyOf(values);
    }
  }

  /** A tensor value (e.g. of a Constant node); its numbers are in {@link Graph#constants()}. */
  record Tensor(String name) implements AttributeValue {
    public Tensor {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A subgraph (the body of Loop or Scan, a branch of If), read into nodes with its own scope. */
  record Subgraph(String scope) implements AttributeValue {
    public Subgraph {
      Objects.requireNonNull(scope, "scope");
    }
  }

  /** Integer view: the value of {@link Int}, or -1 for other kinds. */
  default long asLong() {
    return this instanceof Int i ? i.value() : -1;
  }

  /** List view: the values of {@link Ints}, or an empty list. */
  default List<Long> asLongs() {
    return this instanceof Ints l ? l.values() : List.of();
  }
}
