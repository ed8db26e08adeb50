package dev.neuronfit.classify;

import dev.neuronfit.classify.ScriptFlowEvents.Arg;
import dev.neuronfit.classify.ScriptFlowEvents.Call;
import dev.neuronfit.classify.ScriptFlowEvents.Event;
import dev.neuronfit.classify.ScriptFlowEvents.Method;
import dev.neuronfit.classify.ScriptFlowEvents.Node;
import dev.neuronfit.classify.ScriptFlowEvents.Return;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The attention blocks of a TorchScript model as the code runs them, and where their queries, keys
 * and values come from: the root module's forward is followed into every module method and compiled
 * function it calls (a module used twice is followed twice), carrying for each value the root
 * inputs it depends on and the attention blocks it passed through. An encoder-decoder shows as
 * cross-attention blocks whose keys and values depend on an input their queries do not see,
 * computed by a stack of self-attention blocks over that input (the encoder), while the queries
 * come from a second input (the target). Bounded: at most {@link #MAX_EVENTS} events are followed,
 * calls nest at most {@link #MAX_DEPTH} deep, and at most {@link #MAX_BLOCKS} blocks are tracked.
 */
final class ScriptStacks {
  static final int MAX_EVENTS = 1_000_000;
  static final int MAX_DEPTH = 64;

  /** Blocks past this many are not tracked, so labels stay small on a hostile file. */
  static final int MAX_BLOCKS = 4096;

  private static final Set<String> PRODUCTS = Set.of("matmul", "bmm", "mm", "baddbmm");

  /** Ops whose result is a size, not data: shapes carry no dependence (as in ONNX graphs). */
  private static final Set<String> SIZES =
      Set.of("size", "dim", "numel", "len", "sym_size", "_shape_as_tensor");

  /** The root inputs a value depends on (one bit each, the first 64) and the blocks it passed. */
  record Label(long inputs, BitSet blocks) {
    static final Label NONE = new Label(0, new BitSet());

    Label plus(Label o) {
      if (o.inputs == 0 && o.blocks.isEmpty() || o == this) {
        return this;
      }
      if (inputs == 0 && blocks.isEmpty()) {
        return o;
      }
      BitSet b = (BitSet) blocks.clone();
      b.or(o.blocks);
      return new Label(inputs | o.inputs, b);
    }
  }

  /** One attention block as run: its node, and its queries', keys' and values' labels. */
  static final class Block {
    final int id;
    final int node;
    Label q = Label.NONE;
    Label k = Label.NONE;
    Label v = Label.NONE;

    Block(int id, int node) {
      this.id = id;
      this.node = node;
    }
  }

  private final Graph g;
  private final ScriptFlowEvents flow;
  private final Set<Integer> attention;
  private final List<Block> blocks = new ArrayList<>();
  private int events;

  private ScriptStacks(Graph g, ScriptFlowEvents flow, Set<Integer> attention) {
    this.g = g;
    this.flow = flow;
    this.attention = attention;
  }

  /**
   * @param attention indices of the graph's attention nodes (softmax between products, fused ops)
   */
  static ScriptStacks follow(Graph g, Set<Integer> attention) {
    ScriptFlowEvents flow =
        ScriptFlowEvents.parse(g.metadata().getOrDefault("torchscript.flow", ""));
    ScriptStacks s = new ScriptStacks(g, flow, attention);
    Method root = flow.methods.get(flow.root);
    // a truncated flow lacks method bodies: no verdict from part of the code
    if (root != null && !attention.isEmpty() && !flow.truncated) {
      List<Label> in = new ArrayList<>();
      for (int i = 0; i < root.params().size(); i++) {
        in.add(i < 64 ? new Label(1L << i, new BitSet()) : Label.NONE);
      }
      s.run(root, in, Map.of(), 0);
    }
    return s;
  }

  List<Block> blocks() {
    return blocks;
  }

  /** The bare name of root input {@code i}. */
  String input(int i) {
    Method root = flow.methods.get(flow.root);
    String p = root.params().get(i);
    return p.substring(p.indexOf(':') + 1);
  }

  /** The names of the root inputs in a label. */
  List<String> inputs(long bits) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      if ((bits & (1L << i)) != 0) {
        out.add(input(i));
      }
    }
    return out;
  }

  OpNode node(Block b) {
    return g.nodes().get(b.node);
  }

  /**
   * What makes an encoder-decoder: cross-attention blocks, the self-attention blocks of the encoder
   * whose output their keys and values read (none when the encoder's output is an input of this
   * model, as in a decoder exported alone), and the decoder's own self-attention blocks.
   *
   * @param source the root inputs the cross-attention keys depend on
   * @param target the root inputs only the cross-attention queries see
   * @param fromEncoder how many cross-attention blocks read both keys and values from the encoder
   */
  record EncoderDecoder(
      List<Block> cross,
      List<Block> encoder,
      List<Block> decoder,
      long source,
      long target,
      int fromEncoder) {}

  /** The encoder-decoder structure, when cross-attention shows it. */
  Optional<EncoderDecoder> encoderDecoder() {
    List<Block> cross = new ArrayList<>();
    BitSet read = new BitSet();
    long source = 0;
    long target = 0;
    for (Block b : blocks) {
      long targetOnly = b.q.inputs() & ~b.k.inputs();
      // keys and values from an input the queries do not see, and never from the queries' own
      if (b.k.inputs() != 0
          && targetOnly != 0
          && b.v.inputs() != 0
          && (b.v.inputs() & targetOnly) == 0) {
        cross.add(b);
        read.or(b.k.blocks());
        read.or(b.v.blocks());
        source |= b.k.inputs();
        target |= targetOnly;
      }
    }
    if (cross.isEmpty()) {
      return Optional.empty();
    }
    List<Block> encoder = new ArrayList<>();
    List<Block> decoder = new ArrayList<>();
    for (Block b : blocks) {
      if (cross.contains(b)) {
        continue;
      }
      if (read.get(b.id) && (b.q.inputs() & target) == 0) {
        encoder.add(b);
      } else if ((b.q.inputs() & target) != 0) {
        decoder.add(b);
      }
    }
    BitSet enc = new BitSet();
    encoder.forEach(b -> enc.set(b.id));
    int fromEncoder = 0;
    for (Block b : cross) {
      if (b.k.blocks().intersects(enc) && b.v.blocks().intersects(enc)) {
        fromEncoder++;
      }
    }
    return Optional.of(
        new EncoderDecoder(
            distinct(cross), distinct(encoder), distinct(decoder), source, target, fromEncoder));
  }

  /**
   * One block for each set of blocks that read the same queries, keys and values: the fused and the
   * unfused path of one layer in scripted code (both branches are followed), or heads computed one
   * by one.
   */
  private static List<Block> distinct(List<Block> blocks) {
    Map<List<Label>, Block> seen = new LinkedHashMap<>();
    for (Block b : blocks) {
      seen.putIfAbsent(List.of(b.q, b.k, b.v), b);
    }
    return List.copyOf(seen.values());
  }

  private Label run(Method m, List<Label> positional, Map<String, Label> keywords, int depth) {
    Map<String, Label> env = new HashMap<>();
    for (int i = 0; i < m.params().size(); i++) {
      String p = m.params().get(i);
      Label l = i < positional.size() ? positional.get(i) : keywords.get(bare(p));
      env.put(p, l == null ? Label.NONE : l);
    }
    Map<String, Node> producer = new HashMap<>();
    Map<String, List<Node>> consumers = new HashMap<>();
    List<Node> softmax = new ArrayList<>();
    Map<Node, Block> mine = new HashMap<>();
    Label result = Label.NONE;
    for (Event e : m.events()) {
      if (++events > MAX_EVENTS) {
        break;
      }
      if (e instanceof Node n) {
        if (n.index() < 0 || n.index() >= g.nodes().size()) {
          continue;
        }
        OpNode op = g.nodes().get(n.index());
        Label l = Label.NONE;
        for (Arg a : n.args()) {
          l = SIZES.contains(op.opType()) ? l : l.plus(label(env, a.values()));
          for (String v : a.values()) {
            consumers.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
          }
        }
        if (attention.contains(n.index()) && blocks.size() < MAX_BLOCKS) {
          Block b = new Block(blocks.size(), n.index());
          blocks.add(b);
          mine.put(n, b);
          BitSet own = new BitSet();
          own.set(b.id);
          l = l.plus(new Label(0, own));
          if (op.opType().equals("softmax")) {
            softmax.add(n);
          } else {
            fused(b, op, n, env);
          }
        }
        for (String out : op.outputs()) {
          // the branches of an if assign the same name: the value may come from either
          env.merge(out, l, Label::plus);
          producer.put(out, n);
        }
      } else if (e instanceof Call c) {
        env.merge(c.id(), call(c, env, depth), Label::plus);
      } else if (e instanceof Return r) {
        result = result.plus(label(env, r.values()));
      }
    }
    for (Node s : softmax) {
      scores(mine.get(s), s, producer, env);
      values(mine.get(s), s, consumers, env);
    }
    return result;
  }

  private Label call(Call c, Map<String, Label> env, int depth) {
    List<Label> positional = new ArrayList<>();
    Map<String, Label> keywords = new HashMap<>();
    Label all = Label.NONE;
    for (Arg a : c.args()) {
      Label l = label(env, a.values());
      all = all.plus(l);
      if (a.keyword().isEmpty()) {
        positional.add(l);
      } else {
        keywords.put(a.keyword(), l);
      }
    }
    Method callee = flow.methods.get(c.callee());
    if (callee == null || depth >= MAX_DEPTH || events > MAX_EVENTS) {
      return all; // a library function we have no code for: its result depends on its arguments
    }
    return run(callee, positional, keywords, depth + 1);
  }

  /** Fused ops take queries, keys and values as their first three arguments. */
  private static void fused(Block b, OpNode op, Node n, Map<String, Label> env) {
    List<Arg> a = n.args();
    if (a.isEmpty()) {
      return;
    }
    b.q = label(env, a.get(0).values());
    boolean layer = op.opType().startsWith("_transformer_encoder_layer");
    b.k = layer || a.size() < 2 ? b.q : label(env, a.get(1).values());
    b.v = layer || a.size() < 3 ? b.k : label(env, a.get(2).values());
  }

  /** The Q·Kᵀ product within a few ops before the softmax: its two operands. */
  private void scores(Block b, Node s, Map<String, Node> producer, Map<String, Label> env) {
    List<Node> frontier = List.of(s);
    for (int hop = 0; hop < 6 && !frontier.isEmpty(); hop++) {
      List<Node> next = new ArrayList<>();
      for (Node f : frontier) {
        for (Arg a : f.args()) {
          for (String v : a.values()) {
            Node p = producer.get(v);
            if (p == null || p == f) {
              continue;
            }
            String op = g.nodes().get(p.index()).opType();
            if (PRODUCTS.contains(op) && p.args().size() >= 2) {
              int first = op.equals("baddbmm") && p.args().size() >= 3 ? 1 : 0;
              b.q = label(env, p.args().get(first).values());
              b.k = label(env, p.args().get(first + 1).values());
              return;
            }
            if (next.size() < 64) {
              next.add(p);
            }
          }
        }
      }
      frontier = next;
    }
  }

  /** The product with V within a few ops after the softmax: its other operand. */
  private void values(Block b, Node s, Map<String, List<Node>> consumers, Map<String, Label> env) {
    List<String> reached = g.nodes().get(s.index()).outputs();
    for (int hop = 0; hop < 3 && !reached.isEmpty(); hop++) {
      List<String> next = new ArrayList<>();
      for (String v : reached) {
        for (Node c : consumers.getOrDefault(v, List.of())) {
          OpNode op = g.nodes().get(c.index());
          if (PRODUCTS.contains(op.opType()) && c.args().size() >= 2) {
            int first = op.opType().equals("baddbmm") && c.args().size() >= 3 ? 1 : 0;
            Arg a = c.args().get(first);
            Arg other = a.values().contains(v) ? c.args().get(first + 1) : a;
            b.v = label(env, other.values());
            return;
          }
          if (next.size() < 64) {
            next.addAll(op.outputs());
          }
        }
      }
      reached = next;
    }
  }

  private static Label label(Map<String, Label> env, List<String> values) {
    Label l = Label.NONE;
    for (String v : values) {
      l = l.plus(env.getOrDefault(v, Label.NONE));
    }
    return l;
  }

  private static String bare(String param) {
    return param.substring(param.indexOf(':') + 1);
  }
}
