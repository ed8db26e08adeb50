#!/usr/bin/env python3
"""Writes the malformed MXNet corpus (one folder per case) and the seeds of MxnetReaderFuzzTest.

Plain Python 3 (json, struct). The .params layout is MXNet's NDArray list as src/ndarray/ndarray.cc
(NDArray::Save) writes it, little-endian: u64 0x112, u64 0, u64 count, arrays, u64 name count,
names (u64 length + bytes); a version-2 array is u32 0xF993FAC9, i32 storage type, shape (i32 rank,
i64 dims), i32 device type, i32 device id, i32 type flag, data. Rewrites the cases it knows and
deletes nothing:

    python3 core/src/test/resources/malformed/mxnet/generate.py
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "..", "..", "dev", "neuronfit", "io", "mxnet",
                     "MxnetReaderFuzzTestInputs", "readsAnyMxnetBytesOrRefusesThem")
V2 = 0xF993FAC9


def u32(v): return struct.pack("<I", v & 0xFFFFFFFF)
def i32(v): return struct.pack("<i", v)
def u64(v): return struct.pack("<Q", v)
def i64(v): return struct.pack("<q", v)


def array(shape, flag=0, stype=0, data=None, magic=V2):
    out = u32(magic) + i32(stype) + i32(len(shape)) + b"".join(i64(d) for d in shape)
    out += i32(1) + i32(0) + i32(flag)
    if data is None:
        n = 1
        for d in shape:
            n *= d
        data = b"\0" * (n * [4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2][flag])
    return out + data


def names(ns):
    return u64(len(ns)) + b"".join(u64(len(n.encode())) + n.encode() for n in ns)


def params(arrays, ns):
    return u64(0x112) + u64(0) + u64(len(arrays)) + b"".join(arrays) + names(ns)


def symbol(nodes, heads=None, extra=None):
    doc = {"nodes": nodes, "arg_nodes": [0], "heads": heads or [[len(nodes) - 1, 0, 0]],
           "attrs": {"mxnet_version": ["int", 10500]}}
    doc.update(extra or {})
    return json.dumps(doc).encode()


def var(name, shape=None):
    n = {"op": "null", "name": name, "inputs": []}
    if shape:
        n["attrs"] = {"__shape__": str(tuple(shape)), "__dtype__": "0"}
    return n


def op(kind, name, inputs, attrs=None):
    n = {"op": kind, "name": name, "inputs": [[i, 0, 0] for i in inputs]}
    if attrs:
        n["attrs"] = attrs
    return n


GOOD = [var("data"), var("conv0_weight", (8, 3, 3, 3)),
        op("Convolution", "conv0", [0, 1], {"kernel": "(3, 3)", "num_filter": "8", "no_bias": "True"}),
        op("Activation", "relu0", [2], {"act_type": "relu"})]


def write(case, files):
    d = os.path.join(HERE, case)
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def deep_subgraphs(depth):
    g = {"nodes": [var("x")], "heads": [[0, 0, 0]]}
    for _ in range(depth):
        g = {"nodes": [var("x"), {"op": "_foreach", "name": "loop", "inputs": [[0, 0, 0]],
                                   "subgraphs": [g]}], "heads": [[1, 0, 0]]}
    return json.dumps(g).encode()


CASES = {
    "symbol-truncated": {"m-symbol.json": symbol(GOOD)[:60]},
    "symbol-nodes-not-list": {"m-symbol.json": b'{"nodes": {"op": "null"}, "heads": []}'},
    "symbol-op-missing": {"m-symbol.json": symbol([{"name": "a", "inputs": []}])},
    "symbol-name-not-string": {"m-symbol.json": symbol([{"op": "null", "name": 7, "inputs": []}])},
    "symbol-forward-reference": {"m-symbol.json": symbol([op("relu", "r", [1]), var("x")])},
    "symbol-self-reference": {"m-symbol.json": symbol([var("x"), op("relu", "r", [1])])},
    "symbol-output-index-huge": {"m-symbol.json": symbol(
        [var("x"), {"op": "relu", "name": "r", "inputs": [[0, 99999, 0]]}])},
    "symbol-entry-not-triple": {"m-symbol.json": symbol(
        [var("x"), {"op": "relu", "name": "r", "inputs": [[0]]}])},
    "symbol-head-out-of-range": {"m-symbol.json": symbol(GOOD, heads=[[40, 0, 0]])},
    "symbol-subgraphs-too-deep": {"m-symbol.json": deep_subgraphs(12)},
    "symbol-json-too-deep": {"m-symbol.json": b'{"nodes": ' + b"[" * 100 + b"]" * 100 + b"}"},
    "symbol-duplicate-key": {"m-symbol.json": b'{"nodes": [], "nodes": [], "heads": []}'},
    "params-bad-magic": {"weights.params": u64(0x113) + u64(0) + u64(0) + u64(0)},
    "params-truncated-header": {"weights.params": u64(0x112) + u32(0)},
    "params-count-huge": {"weights.params": u64(0x112) + u64(0) + u64(1 << 40)},
    "params-count-over-2-63": {"weights.params": u64(0x112) + u64(0) + u64(1 << 63)},
    "params-count-more-than-file": {"weights.params": u64(0x112) + u64(0) + u64(1000) + u64(0)},
    "params-unknown-storage": {"weights.params": params([array([2], stype=7)], ["w"])},
    "params-rank-huge": {"weights.params": u64(0x112) + u64(0) + u64(1) + u32(V2) + i32(0)
                         + i32(1000) + b"\0" * 64},
    "params-negative-dim": {"weights.params": u64(0x112) + u64(0) + u64(1) + u32(V2) + i32(0)
                            + i32(1) + i64(-5) + b"\0" * 64},
    "params-unknown-type-flag": {"weights.params": params([array([2], flag=99, data=b"")], ["w"])},
    "params-data-past-end": {"weights.params": params([array([1000], data=b"\0" * 16)], ["w"])},
    "params-size-overflow": {"weights.params": params(
        [array([1 << 62, 1 << 62], data=b"")], ["w"])},
    "params-names-mismatch": {"weights.params": params([array([2]), array([3])], ["a"])},
    "params-name-too-long": {"weights.params": u64(0x112) + u64(0) + u64(1) + array([2])
                             + u64(1) + u64(1 << 40) + b"abc"},
    "params-duplicate-name": {"weights.params": params([array([2]), array([3])],
                                                       ["arg:w", "aux:w"])},
    "params-legacy-rank-huge": {"weights.params": u64(0x112) + u64(0) + u64(1) + u32(0x12345678)
                                + b"\0" * 32},
    "pair-params-broken": {"m-symbol.json": symbol(GOOD),
                           "m-0000.params": params([array([8, 3, 3, 3], flag=42, data=b"")],
                                                   ["arg:conv0_weight"])},
}


def seed(symbol_bytes, params_bytes):
    return struct.pack("<H", len(symbol_bytes)) + symbol_bytes + params_bytes


def main():
    for case, files in CASES.items():
        write(case, files)
    os.makedirs(SEEDS, exist_ok=True)
    attention = [var("q"), var("k"), var("v"),
                 op("batch_dot", "scores", [0, 1], {"transpose_b": "True"}),
                 op("softmax", "probs", [3], {"axis": "-1"}),
                 op("batch_dot", "ctx", [4, 2]),
                 op("_contrib_ROIAlign", "roi", [5, 0], {"pooled_size": "(7, 7)"})]
    small = params([array([8, 3, 3, 3])], ["arg:conv0_weight"])
    with open(os.path.join(SEEDS, "seed-conv-pair"), "wb") as f:
        f.write(seed(symbol(GOOD), small))
    with open(os.path.join(SEEDS, "seed-attention-symbol"), "wb") as f:
        f.write(seed(symbol(attention), b""))


if __name__ == "__main__":
    main()
