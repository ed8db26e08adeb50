package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator calls of a mobile (lite interpreter) archive's {@code bytecode.pkl}: a tuple of the
 * bytecode version followed by one tuple per method, {@code (qualified_name, table[, schema])},
 * where the table holds {@code ("instructions", ((opcode, x, n), ...))} and {@code ("operators",
 * ((name, overload_name[, num_args]), ...))}. Each {@code OP}/{@code OPN} instruction calls the
 * operator at index {@code x}, and becomes one node. Nodes have no dataflow (the bytecode's
 * registers are not followed).
 *
 * @param version the bytecode version, or -1 when the first item is not a number
 * @param nodes one per operator call
 */
record MobileBytecode(long version, List<OpNode> nodes) {
  MobileBytecode {
    nodes = List.copyOf(nodes);
  }

  static MobileBytecode of(
      PickleValue bytecode, String rootClass, int maxNodes, java.nio.file.Path file, String entry)
      throws ModelFormatException {
    if (!(bytecode instanceof Tuple top) || top.size() == 0) {
      return new MobileBytecode(-1, List.of());
    }
    long version = top.get(0) instanceof Int v ? v.value() : -1;
    List<OpNode> nodes = new ArrayList<>();
    for (PickleValue m : top.items()) {
      if (!(m instanceof Tuple method)
          || method.size() < 2
          || !(method.get(0) instanceof Str name)
          || !(method.get(1) instanceof Tuple table)) {
        continue;
      }
      List<PickleValue> operators = entry(table, "operators");
      List<PickleValue> instructions = entry(table, "instructions");
      String qualified = TorchScriptCode.clean(name.value());
      int dot = qualified.lastIndexOf('.');
      String owner = dot < 0 ? qualified : qualified.substring(0, dot);
      String label =
          (owner.contains(".") ? owner.substring(owner.lastIndexOf('.') + 1) : owner)
              + (dot < 0 ? "" : qualified.substring(dot));
      String scope = owner.equals(rootClass) ? "" : "function:" + owner;
      for (int i = 0; i < instructions.size(); i++) {
        if (!(instructions.get(i) instanceof Tuple ins)
            || ins.size() < 2
            || !(ins.get(0) instanceof Str code)
            || !(ins.get(1) instanceof Int x)
            || !(code.value().equals("OP") || code.value().equals("OPN"))
            || x.value() < 0
            || x.value() >= operators.size()
            || !(operators.get((int) x.value()) instanceof Tuple op)
            || op.size() == 0
            || !(op.get(0) instanceof Str opName)) {
          continue;
        }
        if (nodes.size() >= maxNodes) {
          throw new ModelFormatException(
              file, "zip entry " + entry, "more than " + maxNodes + " operator calls");
        }
        String n = opName.value();
        int sep = n.indexOf("::");
        String domain = sep < 0 ? "aten" : n.substring(0, sep);
        String opType = sep < 0 ? n : n.substring(sep + 2);
        nodes.add(
            new OpNode(
                label + " instruction " + i,
                opType,
                domain,
                List.of(),
                List.of(),
                Map.of(),
                scope));
      }
    }
    return new MobileBytecode(version, nodes);
  }

  /** The value of a {@code (key, value)} pair in a method table, as a list. */
  private static List<PickleValue> entry(Tuple table, String key) {
    for (PickleValue p : table.items()) {
      if (p instanceof Tuple pair
          && pair.size() == 2
          && pair.get(0) instanceof Str k
          && k.value().equals(key)
          && pair.get(1) instanceof Tuple v) {
        return v.items();
      }
    }
    return List.of();
  }
}
