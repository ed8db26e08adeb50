package dev.neuronfit.estimate.graph;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives the symbolic dimensions of a graph's inputs sizes, by their names and, for unnamed or
 * unrecognised ones, by their position. Fixed dimensions are the graph's own and always kept.
 *
 * <p>Names, lower-cased, tried in this order: containing {@code past} or {@code cache}: the cached
 * context. Containing {@code total}: cached context plus new tokens. Containing {@code seq}, {@code
 * len}, {@code token}, {@code time}, {@code frame} or {@code step}, or {@code s}, {@code t}, {@code
 * l}: the sequence length. Containing {@code batch}, or {@code n}, {@code b}, {@code bs}, {@code
 * bsz}: the batch. Containing {@code height}, {@code width}, {@code img} or {@code image}, or
 * {@code h}, {@code w}: the image side. A name {@code X + k} is the size of {@code X} plus k. By
 * position, when the name says nothing: axis 0 is the batch, axes 2 and 3 of a 4-D input are the
 * image (axes 1 and 2 when the last axis has 1 or 3 channels), and axis 1 of a 2-D or 3-D input is
 * the sequence. For TensorFlow graphs, whose images are channels last unless the graph says
 * otherwise, axes 1 and 2 of a 4-D input are the image unless its last axis is unknown and its axis
 * 1 a known channel count of at most 4.
 *
 * <p>A graph with inputs named like {@code past_key_values.0.key} is a decoder step with a KV
 * cache: there the cached context is the sequence length minus 1 and each step feeds 1 new token
 * (except dimensions named for the encoder, which keep the whole length).
 */
public final class InputBinding {
  /** Tokens assumed when the graph's length is symbolic and the user gave none. */
  public static final int DEFAULT_SEQUENCE = 128;

  /** Pixels per side assumed when the graph's image size is symbolic and the user gave none. */
  public static final int DEFAULT_IMAGE = 224;

  private enum Role {
    BATCH,
    SEQUENCE,
    PAST,
    TOTAL,
    IMAGE
  }

  private static final Pattern PLUS = Pattern.compile("^(.*?)\\s*\\+\\s*(\\d+)$");
  private static final Set<String> BATCH_NAMES = Set.of("n", "b", "bs", "bsz");
  private static final Set<String> SEQUENCE_NAMES = Set.of("s", "t", "l");

  /**
   * The bound inputs.
   *
   * @param values what is known about each input, by name
   * @param decode true when the graph takes a KV cache (one decoder step)
   * @param batch the batch the workload is for
   * @param sequenceLength the context length, when the inputs are token sequences
   * @param imageSize the image side, when an input is an image
   * @param assumptions what the binding assumed, one sentence each
   */
  public record Bound(
      Map<String, TensorValue> values,
      boolean decode,
      int batch,
      OptionalInt sequenceLength,
      OptionalInt imageSize,
      List<String> assumptions) {}

  /**
   * Each unknown input dimension that was given a size, as {@link Assumptions#boundAxis}; with
   * {@code sayUnbound}, also those left unknown.
   */
  public static List<String> boundAxes(List<ValueInfo> inputs, Bound bound, boolean sayUnbound) {
    List<String> out = new ArrayList<>();
    for (ValueInfo in : inputs) {
      TensorValue v = bound.values().get(in.name());
      if (v == null || !v.rankKnown() || v.rank() != in.shape().size()) {
        continue;
      }
      for (int i = 0; i < v.rank(); i++) {
        if (in.shape().get(i).isKnown()) {
          continue;
        }
        if (v.dim(i) >= 0) {
          out.add(Assumptions.boundAxis(i, in.name(), v.dim(i)));
        } else if (sayUnbound) {
          out.add(Assumptions.unboundAxis(i, in.name()));
        }
      }
    }
    return out;
  }

  private final WorkloadOptions opts;
  private final boolean decode;
  private final boolean channelsLast;
  private final Map<String, Long> symbols = new LinkedHashMap<>();
  private final List<String> unbound = new ArrayList<>();
  private boolean usedBatch;
  private boolean usedSequence;
  private boolean usedImage;

  private InputBinding(WorkloadOptions opts, boolean decode, boolean channelsLast) {
    this.opts = opts;
    this.decode = decode;
    this.channelsLast = channelsLast;
  }

  public static Bound bind(List<ValueInfo> inputs, WorkloadOptions opts) {
    return bind(inputs, opts, false);
  }

  /**
   * Binds the inputs' unknown dimensions.
   *
   * @param channelsLast true for graphs whose images are channels last by default (TensorFlow)
   */
  public static Bound bind(List<ValueInfo> inputs, WorkloadOptions opts, boolean channelsLast) {
    boolean decode = inputs.stream().anyMatch(InputBinding::isCache);
    InputBinding b = new InputBinding(opts, decode, channelsLast);
    Map<String, TensorValue> values = new LinkedHashMap<>();
    for (ValueInfo in : inputs) {
      values.put(in.name(), b.value(in));
    }
    return b.finish(inputs, values);
  }

  /** An input of a KV cache, e.g. {@code past_key_values.0.key}, {@code past_key_3}. */
  public static boolean isCache(ValueInfo in) {
    String n = in.name().toLowerCase(Locale.ROOT);
    return (n.contains("past") || n.startsWith("cache")) && (in.shape().size() >= 3);
  }

  private static boolean integral(ValueInfo in) {
    return in.elementType()
        .map(t -> t.name().startsWith("I") || t.name().startsWith("U") || t == DType.BOOL)
        .orElse(false);
  }

  private int context() {
    return opts.sequenceLength().orElse(DEFAULT_SEQUENCE);
  }

  private TensorValue value(ValueInfo in) {
    if (in.shape().isEmpty() && in.elementType().isEmpty()) {
      return TensorValue.UNKNOWN;
    }
    List<ValueInfo.Dim> shape = in.shape();
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      ValueInfo.Dim d = shape.get(i);
      if (d.isKnown()) {
        dims[i] = d.value();
      } else if (!d.symbol().isEmpty() && symbols.containsKey(d.symbol())) {
        dims[i] = symbols.get(d.symbol());
      } else {
        dims[i] = bindOne(in, i, d.symbol());
        if (dims[i] < 0) {
          unbound.add((d.symbol().isEmpty() ? "axis " + i : d.symbol()) + " of " + in.name());
        } else if (!d.symbol().isEmpty()) {
          symbols.put(d.symbol(), dims[i]);
        }
      }
    }
    return TensorValue.of(dims, integral(in));
  }

  private long bindOne(ValueInfo in, int axis, String symbol) {
    String s = symbol.toLowerCase(Locale.ROOT).trim();
    long offset = 0;
    Matcher m = PLUS.matcher(s);
    if (m.matches()) {
      s = m.group(1);
      offset = Long.parseLong(m.group(2));
    }
    Role role = byName(s);
    if (role == null) {
      role = byPosition(in, axis);
    }
    if (role == null) {
      return -1;
    }
    long size =
        switch (role) {
          case BATCH -> {
            usedBatch = true;
            yield opts.batchOr1();
          }
          case IMAGE -> {
            usedImage = true;
            yield opts.imageSize().orElse(DEFAULT_IMAGE);
          }
          case SEQUENCE -> {
            usedSequence = true;
            yield decode && !s.contains("encoder") ? 1 : context();
          }
          case PAST -> {
            usedSequence = true;
            yield decode ? context() - 1 : 0;
          }
          case TOTAL -> {
            usedSequence = true;
            yield context();
          }
        };
    return size + offset;
  }

  private static Role byName(String s) {
    // the cache and length words first: "past_sequence_length", "max_seq_len_in_batch"
    if (s.contains("past") || s.contains("cache")) {
      return Role.PAST;
    }
    if (s.contains("total")) {
      return Role.TOTAL;
    }
    if (s.contains("seq")
        || s.contains("len")
        || s.contains("token")
        || s.contains("time")
        || s.contains("frame")
        || s.contains("step")
        || SEQUENCE_NAMES.contains(s)) {
      return Role.SEQUENCE;
    }
    if (s.contains("batch") || BATCH_NAMES.contains(s)) {
      return Role.BATCH;
    }
    if (s.contains("height")
        || s.contains("width")
        || s.contains("img")
        || s.contains("image")
        || s.equals("h")
        || s.equals("w")) {
      return Role.IMAGE;
    }
    return null;
  }

  private Role byPosition(ValueInfo in, int axis) {
    int rank = in.shape().size();
    if (axis == 0) {
      return Role.BATCH;
    }
    if (rank == 4) {
      ValueInfo.Dim last = in.shape().get(3);
      ValueInfo.Dim second = in.shape().get(1);
      boolean lastAxis =
          channelsLast
              ? last.isKnown() || !second.isKnown() || second.value() > 4
              : last.isKnown() && (last.value() == 1 || last.value() == 3);
      return (lastAxis ? axis == 1 || axis == 2 : axis >= 2) ? Role.IMAGE : null;
    }
    return (rank == 2 || rank == 3) && axis == 1 ? Role.SEQUENCE : null;
  }

  private Bound finish(List<ValueInfo> inputs, Map<String, TensorValue> values) {
    List<String> notes = new ArrayList<>();
    if (!symbols.isEmpty()) {
      List<String> parts = new ArrayList<>();
      symbols.forEach((k, v) -> parts.add(k + " = " + v));
      notes.add(Assumptions.symbolsBound(parts));
    }
    if (usedSequence && opts.sequenceLength().isEmpty()) {
      notes.add(Assumptions.defaultSequence(DEFAULT_SEQUENCE));
    }
    if (usedImage && opts.imageSize().isEmpty()) {
      notes.add(Assumptions.defaultImage(DEFAULT_IMAGE));
    }
    if (decode) {
      notes.add(Assumptions.kvCacheStep(context() - 1));
    }
    if (!unbound.isEmpty()) {
      notes.add(Assumptions.leftUnknown(unbound));
    }
    List<String> ignored = new ArrayList<>();
    if (opts.batch().isPresent() && !usedBatch) {
      ignored.add("--batch");
    }
    if (opts.sequenceLength().isPresent() && !usedSequence) {
      ignored.add("--seq-len");
    }
    if (opts.imageSize().isPresent() && !usedImage) {
      ignored.add("--image-size");
    }
    if (!ignored.isEmpty()) {
      notes.add(Assumptions.optionsNotApplied(ignored));
    }
    return new Bound(
        values,
        decode,
        usedBatch ? opts.batchOr1() : fixedBatch(inputs, values),
        usedSequence ? OptionalInt.of(context()) : fixedSequence(inputs, values),
        usedImage
            ? OptionalInt.of(opts.imageSize().orElse(DEFAULT_IMAGE))
            : fixedImage(inputs, values),
        notes);
  }

  /** The leading dimension of a fixed [N, S] integer input or [N, C, H, W] one, else 1. */
  private static int fixedBatch(List<ValueInfo> inputs, Map<String, TensorValue> values) {
    for (ValueInfo in : inputs) {
      TensorValue v = values.get(in.name());
      if (v.rankKnown() && (v.rank() == 4 || v.rank() == 2 && v.integral()) && v.dim(0) > 0) {
        return (int) Math.min(Integer.MAX_VALUE, v.dim(0));
      }
    }
    return 1;
  }

  private static OptionalInt fixedSequence(
      List<ValueInfo> inputs, Map<String, TensorValue> values) {
    for (ValueInfo in : inputs) {
      TensorValue v = values.get(in.name());
      String n = in.name().toLowerCase(Locale.ROOT);
      boolean tokens = n.contains("id") || n.contains("token");
      if (tokens && v.rankKnown() && v.rank() == 2 && v.integral() && v.dim(1) > 0) {
        return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, v.dim(1)));
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The side of a fixed square image input, [N, C, H, W] or [N, H, W, C] with at most 4 channels,
   * or [3, H, W]; inputs named as masks or caches are not images.
   */
  private static OptionalInt fixedImage(List<ValueInfo> inputs, Map<String, TensorValue> values) {
    for (ValueInfo in : inputs) {
      String n = in.name().toLowerCase(Locale.ROOT);
      TensorValue v = values.get(in.name());
      if (!v.rankKnown() || v.integral() || n.contains("mask") || isCache(in)) {
        continue;
      }
      long side = -1;
      if (v.rank() == 4 && v.dim(1) >= 1 && v.dim(1) <= 4 && v.dim(2) == v.dim(3)) {
        side = v.dim(2);
      } else if (v.rank() == 4 && v.dim(3) >= 1 && v.dim(3) <= 4 && v.dim(1) == v.dim(2)) {
        side = v.dim(1);
      } else if (v.rank() == 3 && v.dim(0) == 3 && v.dim(1) == v.dim(2)) {
        side = v.dim(1);
      }
      if (side > 0) {
        return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, side));
      }
    }
    return OptionalInt.empty();
  }
}
