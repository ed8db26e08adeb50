#!/usr/bin/python3
"""Writes the malformed Keras corpus: one folder per case holding model.h5 or model.keras.

Uses Debian 12's python3-h5py (3.7.0, HDF5 1.10.8) and the fixtures of ../../keras/ (run their
generate.py first). Rewrites the cases it knows and deletes nothing, so fuzz-* folders copied in
by hand stay. From anywhere:

    /usr/bin/python3 core/src/test/resources/malformed/keras/generate.py
"""
import io
import json
import os
import struct
import zipfile

import h5py
import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(OUT, "..", "..", "keras")


def case(name, file):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, file)


def h5(name, attrs, weights=True):
    path = case(name, "model.h5")
    with h5py.File(path, "w") as f:
        for k, v in attrs.items():
            f.attrs[k] = v
        if weights:
            g = f.create_group("model_weights").create_group("dense").create_group("dense")
            g.create_dataset("kernel:0", data=np.zeros((4, 2), "float32"), track_times=False)


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def cut(name, source, length):
    with open(case(name, "model.h5"), "wb") as f:
        f.write(fixture(source)[:length])


def stored(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def archive(name, entries):
    with open(case(name, "model.keras"), "wb") as f:
        f.write(stored(entries))


def sequential(layers):
    return json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": layers}})


DENSE = {"class_name": "Dense", "config": {"name": "d", "units": 2}}


def main():
    cut("truncated-superblock", "crnn_functional.h5", 40)
    cut("truncated-in-metadata", "crnn_functional.h5", 2500)
    h5("no-model-config", {"keras_version": "2.15.0", "backend": "tensorflow"})
    h5("model-config-not-json", {"model_config": "{\"class_name\": \"Sequential\", "})
    h5("model-config-array", {"model_config": "[1, 2, 3]"})
    h5("model-config-number", {"model_config": np.int64(7)})
    h5("model-config-deep", {"model_config": "{\"a\": " * 100 + "1" + "}" * 100})
    h5("no-class-name", {"model_config": json.dumps({"config": {"layers": []}})})
    h5("layers-not-a-list",
       {"model_config": json.dumps({"class_name": "Sequential", "config": {"layers": 5}})})
    h5("layer-not-an-object", {"model_config": sequential([DENSE, 1])})
    nested = DENSE
    for i in range(10):
        nested = {"class_name": "Sequential", "config": {"name": f"s{i}", "layers": [nested]}}
    h5("models-nested-too-deep", {"model_config": json.dumps(nested)})

    weights = fixture("vit_patches.keras")
    with zipfile.ZipFile(io.BytesIO(weights)) as z:
        config, h5bytes = z.read("config.json"), z.read("model.weights.h5")
    archive("keras-without-config", [("metadata.json", "{}"), ("model.weights.h5", h5bytes)])
    archive("keras-config-not-json",
            [("config.json", config[:200]), ("model.weights.h5", h5bytes)])
    archive("keras-config-not-an-object",
            [("config.json", "\"Functional\""), ("model.weights.h5", h5bytes)])
    archive("keras-weights-truncated",
            [("config.json", config), ("model.weights.h5", h5bytes[:3000])])
    archive("keras-weights-not-hdf5",
            [("config.json", config), ("model.weights.h5", b"not an HDF5 file at all")])
    # config.json declares 40 MiB in the central directory, over the 32 MiB JSON limit
    data = bytearray(stored([("config.json", config), ("model.weights.h5", h5bytes)]))
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == b"config.json":
            struct.pack_into("<I", data, at + 24, 40 << 20)
        at = data.find(b"PK\x01\x02", at + 4)
    with open(case("keras-config-declares-40mib", "model.keras"), "wb") as f:
        f.write(bytes(data))


if __name__ == "__main__":
    main()
