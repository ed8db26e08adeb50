"""Multiply-accumulates of ONNX models, counted independently of neuronfit for GraphWorkloadTest.

Shapes come from onnx.shape_inference (python3-onnx 1.12, with data propagation so that Reshape
targets computed from Shape are followed); the counts use the textbook formulas:
  Conv           output elements x (input channels / group) x kernel elements
  ConvTranspose  input elements x (output channels / group) x kernel elements
  MatMul         output elements x K;  Gemm  M x N x K
  LSTM/GRU/RNN   sequence x batch x directions x gates x hidden x (input + hidden), gates 4/3/1
A node whose shapes onnx cannot infer is printed under "unknown".

Usage, from the repository root:
    /usr/bin/python3 core/src/test/java/dev/neuronfit/estimate/graph/count_macs.py core/src/test/resources/onnx/*.onnx
"""
import collections
import math
import sys

import onnx
from onnx import shape_inference

COSTED = ("Conv", "ConvTranspose", "MatMul", "Gemm", "LSTM", "GRU", "RNN")


def macs(path):
    model = onnx.load(path, load_external_data=False)
    g = shape_inference.infer_shapes(model, data_prop=True).graph
    shape = {}
    for v in list(g.input) + list(g.value_info) + list(g.output):
        if v.type.tensor_type.HasField("shape"):
            dims = v.type.tensor_type.shape.dim
            shape[v.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    for t in g.initializer:
        shape[t.name] = list(t.dims)
    per, unknown = collections.Counter(), collections.Counter()
    for n in g.node:
        if n.op_type not in COSTED:
            continue
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        ins = [shape.get(i) for i in n.input]
        out = shape.get(n.output[0])
        if any(s is None or None in s for s in ins[:2] + [out]):
            unknown[n.op_type] += 1
            continue
        if n.op_type == "Conv":
            c = math.prod(out) * ins[1][1] * math.prod(ins[1][2:])
        elif n.op_type == "ConvTranspose":
            c = math.prod(ins[0]) * ins[1][1] * math.prod(ins[1][2:])
        elif n.op_type == "MatMul":
            c = math.prod(out) * ins[0][-1]
        elif n.op_type == "Gemm":
            c = math.prod(out) * (ins[0][0] if a.get("transA", 0) else ins[0][1])
        else:
            gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[n.op_type]
            seq, batch, inp = ins[0]  # layout 0: [sequence, batch, input]
            dirs, rows, _ = ins[1]  # W: [directions, gates x hidden, input]
            h = rows // gates
            c = seq * batch * dirs * gates * h * (inp + h)
        per[n.op_type] += c
    return sum(per.values()), dict(per), dict(unknown)


if __name__ == "__main__":
    for f in sys.argv[1:]:
        total, per, unk = macs(f)
        print(f.split("/")[-1], total, per, "unknown:", unk)
