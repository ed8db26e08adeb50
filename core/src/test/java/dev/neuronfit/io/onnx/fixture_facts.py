#!/usr/bin/python3
"""Prints, for each ONNX fixture, the figures OnnxReaderTest hard-codes, as the onnx library sees them.

Run from the repository root with the interpreter that has onnx 1.12 (Debian python3-onnx):

    /usr/bin/python3 core/src/test/java/dev/neuronfit/io/onnx/fixture_facts.py

Counts include nodes inside subgraphs (If/Loop/Scan bodies). "constants" are Constant nodes whose value
is a tensor attribute (the reader counts those as stored tensors next to the initializers).
"""

import collections
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = "core/src/test/resources/onnx"


def walk(graph, out, scope=""):
    for node in graph.node:
        out.append((scope, node))
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                walk(a.g, out, scope + "/" + a.name)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    walk(g, out, scope + "/" + a.name)


def dims(vi):
    t = vi.type.tensor_type
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in t.shape.dim]


def main():
    for rel in sorted(os.listdir(ROOT)) + ["external_data/bert_tiny.onnx"]:
        if not rel.endswith(".onnx"):
            continue
        path = os.path.join(ROOT, rel)
        m = onnx.load(path, load_external_data=False)
        nodes = []
        walk(m.graph, nodes)
        hist = collections.Counter(n.op_type for _, n in nodes)
        inits = list(m.graph.initializer)
        params = sum(int(np.prod(t.dims)) for t in inits)
        if rel.startswith("external_data"):
            nbytes = sum(int(e.value) for t in inits for e in t.external_data if e.key == "length")
        else:
            nbytes = sum(numpy_helper.to_array(t).nbytes for t in inits)
        consts = [
            a.t for _, n in nodes if n.op_type == "Constant" for a in n.attribute if a.name == "value"
        ]
        cparams = sum(int(np.prod(t.dims)) for t in consts)
        cbytes = sum(numpy_helper.to_array(t).nbytes for t in consts)
        init_names = {t.name for t in inits}
        inputs = [(i.name, dims(i)) for i in m.graph.input if i.name not in init_names]
        sub = collections.Counter(n.op_type for s, n in nodes if s)
        print(rel)
        print("  ir", m.ir_version, "producer", m.producer_name, m.producer_version,
              "opsets", {o.domain: o.version for o in m.opset_import})
        print("  inputs", inputs, "outputs", [o.name for o in m.graph.output])
        print("  nodes", len(nodes), "main", len(m.graph.node), "in subgraphs", dict(sub))
        print("  top ops", hist.most_common(8))
        print("  initializers", len(inits), "params", params, "bytes", nbytes)
        print("  constant tensors", len(consts), "params", cparams, "bytes", cbytes)


if __name__ == "__main__":
    sys.exit(main())
