#!/usr/bin/env python3
"""Writes the ONNX models of the reader benchmark into OUTDIR (default: bench/onnx/work).

- big_inline.onnx    about 1.8 GB: a 36-layer transformer-style stack (hidden 1024, MLP 4096) with
                     every weight inline as raw_data, as torch.onnx.export writes models under 2 GB.
- small_inline.onnx  the same graph, node for node, with hidden 16: about 0.6 MB.
- external/model.onnx + external/weights.bin
                     the same graph with hidden 1872, every weight stored as external data (about
                     6.1 GB); weights.bin is a sparse file of the right size, so it costs no disk.

Needs /usr/bin/python3 with Debian 12's python3-onnx (1.12.0) and python3-numpy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from onnx import TensorProto, helper

LAYERS = 36
SEQ = 128


def layer_nodes(i, x, h):
    """One pre-norm transformer block: attention with a causal mask, then an MLP."""
    p = f"l{i}_"
    n = []
    n.append(helper.make_node("LayerNormalization", [x, p + "ln1_g", p + "ln1_b"], [p + "ln1"], name=p + "ln1", axis=-1))
    n.append(helper.make_node("MatMul", [p + "ln1", p + "w_qkv"], [p + "qkv"], name=p + "qkv"))
    n.append(helper.make_node("Split", [p + "qkv"], [p + "q", p + "k", p + "v"], name=p + "split", axis=-1))
    n.append(helper.make_node("Transpose", [p + "k"], [p + "kt"], name=p + "kt", perm=[0, 2, 1]))
    n.append(helper.make_node("MatMul", [p + "q", p + "kt"], [p + "scores"], name=p + "scores"))
    n.append(helper.make_node("Add", [p + "scores", "causal_mask"], [p + "masked"], name=p + "mask"))
    n.append(helper.make_node("Softmax", [p + "masked"], [p + "probs"], name=p + "softmax", axis=-1))
    n.append(helper.make_node("MatMul", [p + "probs", p + "v"], [p + "ctx"], name=p + "ctx"))
    n.append(helper.make_node("MatMul", [p + "ctx", p + "w_o"], [p + "attn"], name=p + "attn_out"))
    n.append(helper.make_node("Add", [x, p + "attn"], [p + "res1"], name=p + "res1"))
    n.append(helper.make_node("LayerNormalization", [p + "res1", p + "ln2_g", p + "ln2_b"], [p + "ln2"], name=p + "ln2", axis=-1))
    n.append(helper.make_node("MatMul", [p + "ln2", p + "w_up"], [p + "up"], name=p + "up"))
    n.append(helper.make_node("Relu", [p + "up"], [p + "act"], name=p + "act"))
    n.append(helper.make_node("MatMul", [p + "act", p + "w_down"], [p + "down"], name=p + "down"))
    n.append(helper.make_node("Add", [p + "res1", p + "down"], [p + "out"], name=p + "res2"))
    return n, p + "out"


def weights(h):
    """(name, shape) of every weight, in graph order."""
    out = [("embed", (1000, h))]
    for i in range(LAYERS):
        p = f"l{i}_"
        out += [(p + "ln1_g", (h,)), (p + "ln1_b", (h,)), (p + "w_qkv", (h, 3 * h)), (p + "w_o", (h, h)),
                (p + "ln2_g", (h,)), (p + "ln2_b", (h,)), (p + "w_up", (h, 4 * h)), (p + "w_down", (4 * h, h))]
    return out


def graph(h, initializers):
    nodes = [helper.make_node("Gather", ["embed", "input_ids"], ["x0"], name="embed")]
    x = "x0"
    for i in range(LAYERS):
        ns, x = layer_nodes(i, x, h)
        nodes += ns
    mask = np.triu(np.full((SEQ, SEQ), -1e9, dtype=np.float32), 1)
    mask_init = numpy_helper.from_array(mask, "causal_mask")
    return helper.make_graph(
        nodes, f"stack_h{h}",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, SEQ])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, SEQ, h])],
        initializer=[mask_init] + initializers)


def inline_model(path, h):
    inits = [numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name) for name, shape in weights(h)]
    model = helper.make_model(graph(h, inits), producer_name="neuronfit-bench", opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)


def external_model(folder, h):
    os.makedirs(folder, exist_ok=True)
    inits, offset = [], 0
    for name, shape in weights(h):
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(shape)
        length = int(np.prod(shape)) * 4
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", "weights.bin"), ("offset", str(offset)), ("length", str(length))):
            e = t.external_data.add()
            e.key, e.value = k, v
        inits.append(t)
        offset += length
    model = helper.make_model(graph(h, inits), producer_name="neuronfit-bench", opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, os.path.join(folder, "model.onnx"))
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.truncate(offset)  # sparse: the size is real, the blocks are not allocated
    return offset


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
    os.makedirs(out, exist_ok=True)
    inline_model(os.path.join(out, "small_inline.onnx"), 16)
    inline_model(os.path.join(out, "big_inline.onnx"), 1024)
    data = external_model(os.path.join(out, "external"), 1872)
    for f in ("small_inline.onnx", "big_inline.onnx", "external/model.onnx"):
        print(f"{f}: {os.path.getsize(os.path.join(out, f)):,} bytes")
    print(f"external/weights.bin: {data:,} bytes declared (sparse)")
