package dev.neuronfit.io.torch;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.Global;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.PersistentId;
import dev.neuronfit.io.pickle.PickleValue.Reduce;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.model.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises the calls torch writes to rebuild a tensor and reads what they say about it: dtype,
 * shape and the storage holding its data, never the data. The calls (from {@code torch/_utils.py}
 * and {@code torch/_tensor.py}):
 *
 * <ul>
 *   <li>{@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 *       backward_hooks[, metadata])}, and {@code _rebuild_tensor(storage, offset, size, stride)} of
 *       old files, {@code _rebuild_tensor_v3(..., dtype, metadata)} for untyped storages;
 *   <li>{@code _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, ...)};
 *   <li>{@code _rebuild_parameter(data, requires_grad, backward_hooks)} and {@code
 *       _rebuild_parameter_with_state}, which wrap a rebuilt tensor;
 *   <li>{@code _rebuild_from_type(_v2)(func, type, args, state)}, which applies {@code func};
 *   <li>{@code _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad)}: no data.
 * </ul>
 *
 * The storage is a persistent id {@code ('storage', storage_type, key, location, numel)}, with a
 * sixth item (view metadata) in the legacy format; {@code storage_type} is a global such as {@code
 * torch.FloatStorage} that gives the dtype.
 */
final class TorchTensors {
  private TorchTensors() {}

  /**
   * One tensor as a torch pickle declares it.
   *
   * @param storageKey the key of its storage (the zip entry {@code data/<key>}, or the legacy
   *     stream's key); empty for tensors without storage
   * @param storageElements elements of the whole storage (a view may use fewer)
   * @param offset the tensor's first element in its storage
   */
  record TensorRef(
      DType dtype, List<Long> shape, String storageKey, long storageElements, long offset) {
    TensorRef {
      shape = List.copyOf(shape);
    }

    long elements() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }

  private static final Map<String, DType> STORAGES =
      Map.ofEntries(
          Map.entry("Float", DType.F32),
          Map.entry("Double", DType.F64),
          Map.entry("Half", DType.F16),
          Map.entry("BFloat16", DType.BF16),
          Map.entry("Long", DType.I64),
          Map.entry("Int", DType.I32),
          Map.entry("Short", DType.I16),
          Map.entry("Char", DType.I8),
          Map.entry("Byte", DType.U8),
          Map.entry("Untyped", DType.U8),
          Map.entry("Bool", DType.BOOL),
          Map.entry("ComplexFloat", DType.C64),
          Map.entry("ComplexDouble", DType.C128),
          Map.entry("QInt8", DType.I8),
          Map.entry("QUInt8", DType.U8),
          Map.entry("QInt32", DType.I32),
          Map.entry("QUInt4x2", DType.U8),
          Map.entry("QUInt2x4", DType.U8),
          Map.entry("Float8_e4m3fn", DType.F8_E4M3),
          Map.entry("Float8_e5m2", DType.F8_E5M2),
          Map.entry("Float8_e4m3fnuz", DType.F8_E4M3FNUZ),
          Map.entry("Float8_e5m2fnuz", DType.F8_E5M2FNUZ),
          Map.entry("UInt16", DType.U16),
          Map.entry("UInt32", DType.U32),
          Map.entry("UInt64", DType.U64));

  private static final Map<String, DType> DTYPES =
      Map.ofEntries(
          Map.entry("float32", DType.F32),
          Map.entry("float", DType.F32),
          Map.entry("float64", DType.F64),
          Map.entry("double", DType.F64),
          Map.entry("float16", DType.F16),
          Map.entry("half", DType.F16),
          Map.entry("bfloat16", DType.BF16),
          Map.entry("int64", DType.I64),
          Map.entry("long", DType.I64),
          Map.entry("int32", DType.I32),
          Map.entry("int", DType.I32),
          Map.entry("int16", DType.I16),
          Map.entry("short", DType.I16),
          Map.entry("int8", DType.I8),
          Map.entry("uint8", DType.U8),
          Map.entry("bool", DType.BOOL),
          Map.entry("complex64", DType.C64),
          Map.entry("complex128", DType.C128),
          Map.entry("float8_e4m3fn", DType.F8_E4M3),
          Map.entry("float8_e5m2", DType.F8_E5M2),
          Map.entry("uint16", DType.U16),
          Map.entry("uint32", DType.U32),
          Map.entry("uint64", DType.U64),
          Map.entry("qint8", DType.I8),
          Map.entry("quint8", DType.U8),
          Map.entry("qint32", DType.I32));

  /** True when {@code v} is a call torch writes to rebuild a tensor, readable or not. */
  static boolean isRebuild(PickleValue v) {
    return v instanceof Reduce r
        && r.global()
            .map(
                g ->
                    g.module().equals("torch._utils") && g.name().startsWith("_rebuild_")
                        || g.module().equals("torch._tensor")
                            && g.name().startsWith("_rebuild_from_type"))
            .orElse(false);
  }

  /**
   * The tensor a rebuild call declares; empty for other values and for rebuilds whose layout cannot
   * be read (sparse, nested, device-specific).
   */
  static Optional<TensorRef> decode(PickleValue v) {
    if (!(v instanceof Reduce r) || r.global().isEmpty()) {
      return Optional.empty();
    }
    return decode(r.global().get(), r.argList(), 0);
  }

  private static Optional<TensorRef> decode(Global g, List<PickleValue> a, int depth) {
    if (depth > 4) {
      return Optional.empty();
    }
    String name = g.module() + "." + g.name();
    switch (name) {
      case "torch._utils._rebuild_tensor",
          "torch._utils._rebuild_tensor_v2",
          "torch._utils._rebuild_qtensor" -> {
        return a.size() >= 3 ? stored(a.get(0), a.get(1), a.get(2), Optional.empty()) : none();
      }
      case "torch._utils._rebuild_tensor_v3" -> {
        Optional<DType> dtype = a.size() >= 7 ? dtypeOf(a.get(6)) : Optional.empty();
        return a.size() >= 3 ? stored(a.get(0), a.get(1), a.get(2), dtype) : none();
      }
      case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
        return a.isEmpty() ? none() : decode(a.get(0));
      }
      case "torch._tensor._rebuild_from_type", "torch._tensor._rebuild_from_type_v2" -> {
        if (a.size() >= 3 && a.get(0) instanceof Global f && a.get(2) instanceof Tuple args) {
          return decode(f, args.items(), depth + 1);
        }
        return none();
      }
      case "torch._utils._rebuild_meta_tensor_no_storage" -> {
        Optional<DType> dtype = a.isEmpty() ? Optional.empty() : dtypeOf(a.get(0));
        Optional<List<Long>> shape = a.size() >= 2 ? dims(a.get(1)) : Optional.empty();
        return dtype.isPresent() && shape.isPresent()
            ? Optional.of(new TensorRef(dtype.get(), shape.get(), "", 0, 0))
            : none();
      }
      default -> {
        return none();
      }
    }
  }

  private static Optional<TensorRef> none() {
    return Optional.empty();
  }

  private static Optional<TensorRef> stored(
      PickleValue storage, PickleValue offset, PickleValue size, Optional<DType> dtype) {
    if (!(storage instanceof PersistentId pid)
        || !(pid.id() instanceof Tuple t)
        || t.size() < 5
        || !(t.get(1) instanceof Global type)
        || !(offset instanceof Int off)) {
      return none();
    }
    Optional<DType> fromType = storageDType(type.name());
    Optional<DType> d = dtype.isPresent() ? dtype : fromType;
    Optional<List<Long>> shape = dims(size);
    if (d.isEmpty() || shape.isEmpty() || off.value() < 0) {
      return none();
    }
    String key =
        t.get(2) instanceof Str s ? s.value() : t.get(2) instanceof Int i ? "" + i.value() : "";
    long numel = t.get(4) instanceof Int n && n.value() >= 0 ? n.value() : 0;
    if (dtype.isPresent() && fromType.equals(Optional.of(DType.U8)) && d.get().bits() >= 8) {
      // an untyped storage counts bytes; express it in elements of the tensor's dtype
      numel = numel / (d.get().bits() / 8);
    }
    try {
      TensorRef ref = new TensorRef(d.get(), shape.get(), key, numel, off.value());
      ref.elements();
      return Optional.of(ref);
    } catch (ArithmeticException e) {
      return none();
    }
  }

  /** The dtype of a storage class name such as {@code FloatStorage}. */
  static Optional<DType> storageDType(String className) {
    if (!className.endsWith("Storage")) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        STORAGES.get(className.substring(0, className.length() - "Storage".length())));
  }

  private static Optional<DType> dtypeOf(PickleValue v) {
    return v instanceof Global g && g.module().equals("torch")
        ? Optional.ofNullable(DTYPES.get(g.name()))
        : Optional.empty();
  }

  /** Sizes as a tuple (or list) of non-negative ints. */
  private static Optional<List<Long>> dims(PickleValue v) {
    List<PickleValue> items;
    if (v instanceof Tuple t) {
      items = t.items();
    } else if (v instanceof PickleValue.PList l) {
      items = l.items();
    } else {
      return Optional.empty();
    }
    if (items.size() > ReadLimits.MAX_RANK) {
      return Optional.empty();
    }
    List<Long> out = new ArrayList<>();
    for (PickleValue i : items) {
      if (!(i instanceof Int n) || n.value() < 0) {
        return Optional.empty();
      }
      out.add(n.value());
    }
    return Optional.of(out);
  }
}
