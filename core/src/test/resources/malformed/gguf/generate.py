#!/usr/bin/env python3
"""Writes the malformed GGUF corpus: one folder per case, each holding one model.gguf.

Plain Python 3 (struct only). The layout is ggml's docs/gguf.md: magic GGUF, version (uint32),
tensor count and metadata count (uint64), key/value pairs, tensor infos; little-endian.
Also writes the fuzz target's seeds. Run from the repository root:

    python3 core/src/test/resources/malformed/gguf/generate.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "..", "..", "dev", "neuronfit", "io", "gguf",
                     "GgufReaderFuzzTestInputs", "readsAnyGgufBytesOrRefusesThem")


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def s(text):
    b = text.encode()
    return u64(len(b)) + b


def kv_str(key, value):
    return s(key) + u32(8) + s(value)


def kv_u32(key, value):
    return s(key) + u32(4) + u32(value)


def tensor(name, dims, typ, offset):
    return s(name) + u32(len(dims)) + b"".join(u64(d) for d in dims) + u32(typ) + u64(offset)


def header(tensors, kvs, version=3):
    return b"GGUF" + u32(version) + u64(tensors) + u64(kvs)


def pad(b, size):
    """The file extended with zeros to size bytes (tensor data)."""
    return b + bytes(size - len(b))


ARCH = kv_str("general.architecture", "llama")

CASES = {
    "truncated-header": b"GGUF" + u32(3) + b"\x01\x00\x00\x00",
    "bad-magic": b"GGUG" + u32(3) + u64(0) + u64(0),
    "version-1": header(0, 1, version=1) + ARCH,
    "version-99": header(0, 0, version=99),
    "count-over-2-63": b"GGUF" + u32(3) + b"\xff" * 8 + u64(0),
    "tensor-count-huge": header(1 << 40, 0),
    "kv-count-huge": header(0, 1 << 40) + ARCH,
    "key-length-huge": header(0, 1) + u64(1 << 62) + b"general",
    "string-past-end": header(0, 1) + s("general.name") + u32(8) + u64(1000) + b"short",
    "unknown-value-type": header(0, 1) + s("general.x") + u32(13) + u32(0),
    "bool-not-0-or-1": header(0, 1) + s("general.flag") + u32(7) + b"\x07",
    "array-length-huge": header(0, 1) + s("tokenizer.ggml.scores") + u32(9) + u32(6) + u64(1 << 60),
    "arrays-nested-deep": (header(0, 1) + s("x") + u32(9)
                           + (u32(9) + u64(1)) * 100 + u32(0) + u64(0)),
    "duplicate-key": header(0, 2) + ARCH + ARCH,
    "bad-alignment": header(0, 1) + kv_u32("general.alignment", 3),
    "five-dimensions": header(1, 1) + ARCH + tensor("w", [1, 1, 1, 1, 1], 0, 0),
    "unknown-ggml-type": header(1, 1) + ARCH + tensor("w", [32], 4, 0),
    "row-not-whole-blocks": header(1, 1) + ARCH + tensor("w", [33, 2], 2, 0),
    "element-count-overflow": header(1, 0) + tensor("w", [1 << 32, 1 << 32], 0, 0),
    "misaligned-offset": header(1, 0) + tensor("w", [8], 0, 3),
    "data-past-end": pad(header(1, 1) + ARCH + tensor("w", [64, 64], 0, 0), 256),
    "duplicate-tensor": header(2, 0) + tensor("w", [8], 0, 0) + tensor("w", [8], 0, 32),
    "tensor-name-past-end": header(1, 0) + u64(4096) + b"blk.0" + bytes(40),
}


def seed():
    """A small valid file: two tensors of a Llama block, with metadata."""
    body = (header(2, 4) + ARCH + kv_u32("llama.block_count", 1)
            + kv_u32("llama.embedding_length", 32) + kv_str("general.name", "seed")
            + tensor("blk.0.attn_q.weight", [32, 32], 8, 0)
            + tensor("blk.0.attn_norm.weight", [32], 0, 1088))
    start = (len(body) + 31) // 32 * 32
    return pad(body, start + 1088 + 128)


def main():
    for name, data in CASES.items():
        os.makedirs(os.path.join(HERE, name), exist_ok=True)
        with open(os.path.join(HERE, name, "model.gguf"), "wb") as f:
            f.write(data)
    os.makedirs(SEEDS, exist_ok=True)
    with open(os.path.join(SEEDS, "seed-llama-block"), "wb") as f:
        f.write(seed())


if __name__ == "__main__":
    main()
