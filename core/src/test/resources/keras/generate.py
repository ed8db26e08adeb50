#!/usr/bin/python3
"""Writes the Keras fixtures of this folder: legacy .h5 files and .keras archives.

Neither Keras nor TensorFlow is packaged for Debian 12, so the files are written with h5py (Debian's
python3-h5py 3.7.0, HDF5 1.10.8) in the layout Keras itself writes: for .h5, the root attributes
model_config, keras_version, backend (and training_config) and the group model_weights with one
group per layer holding its variables as "<layer>/<variable>:0" datasets; for .keras, a zip of
metadata.json, config.json and model.weights.h5 whose variables sit under layers/<layer>/vars/<i>.
The model configs follow the structure of real files in ../shared/models (Keras 2.x tf.keras .h5
files and Keras 3.1 .keras archives): class_name, config, name and inbound_nodes per layer, in the
Keras 2 list form and the Keras 3 {"args", "kwargs"} form with __keras_tensor__ objects. Weight
values are zeros; only their shapes matter. Run from anywhere:

    /usr/bin/python3 core/src/test/resources/keras/generate.py
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- Keras 2 (tf.keras) configs


def k2_layer(cls, name, inbound, **config):
    cfg = {"name": name, "trainable": True, "dtype": "float32"}
    cfg.update(config)
    layer = {"class_name": cls, "config": cfg, "name": name}
    if inbound is not None:
        layer["inbound_nodes"] = [[[src, 0, 0, kwargs] for src, kwargs in inbound]] if inbound else []
    return layer


def k2_input(name, shape, dtype="float32"):
    return {
        "class_name": "InputLayer",
        "config": {"batch_input_shape": [None] + shape, "dtype": dtype, "sparse": False,
                   "ragged": False, "name": name},
        "name": name,
        "inbound_nodes": [],
    }


def k2_functional(name, layers, inputs, outputs):
    return {"class_name": "Functional", "config": {
        "name": name, "layers": layers,
        "input_layers": [[i, 0, 0] for i in inputs],
        "output_layers": [[o, 0, 0] for o in outputs]}}


def write_h5(path, config, weights, keras_version="2.15.0", training=True):
    """weights: list of (layer name, [(variable name, shape)])."""
    with h5py.File(path, "w", track_order=False) as f:
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        if training:
            f.attrs["training_config"] = json.dumps({
                "loss": "categorical_crossentropy", "metrics": ["accuracy"],
                "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}})
        if weights is None:
            return
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([n.encode() for n, _ in weights])
        g.attrs["backend"] = "tensorflow"
        g.attrs["keras_version"] = keras_version
        for layer, variables in weights:
            lg = g.create_group(layer)
            lg.attrs["weight_names"] = np.array(
                [f"{layer}/{v}:0".encode() for v, _ in variables], dtype="S")
            for v, shape in variables:
                lg.create_dataset(f"{layer}/{v}:0", data=np.zeros(shape, "float32"),
                                  track_times=False)
        if training:
            o = f.create_group("optimizer_weights")
            o.create_dataset("Adam/iter:0", data=np.zeros((), "int64"), track_times=False)


def dense(n_in, units):
    return [("kernel", (n_in, units)), ("bias", (units,))]


def conv2d(k, cin, f):
    return [("kernel", (k, k, cin, f)), ("bias", (f,))]


def lstm(n_in, units):
    return [("kernel", (n_in, 4 * units)), ("recurrent_kernel", (units, 4 * units)),
            ("bias", (4 * units,))]


def mha(d, heads, key_dim):
    return [("query/kernel", (d, heads, key_dim)), ("query/bias", (heads, key_dim)),
            ("key/kernel", (d, heads, key_dim)), ("key/bias", (heads, key_dim)),
            ("value/kernel", (d, heads, key_dim)), ("value/bias", (heads, key_dim)),
            ("attention_output/kernel", (heads, key_dim, d)), ("attention_output/bias", (d,))]


def layer_norm(d):
    return [("gamma", (d,)), ("beta", (d,))]


def crnn():
    """Conv2D front end, Bidirectional LSTM over the width: a CRNN (lstm, also cnn)."""
    layers = [
        k2_input("image", [32, 64, 1]),
        k2_layer("Conv2D", "conv1", [("image", {})], filters=8, kernel_size=[3, 3],
                 strides=[1, 1], padding="same", activation="relu", use_bias=True),
        k2_layer("MaxPooling2D", "pool1", [("conv1", {})], pool_size=[2, 2], strides=[2, 2],
                 padding="valid"),
        k2_layer("Conv2D", "conv2", [("pool1", {})], filters=16, kernel_size=[3, 3],
                 strides=[1, 1], padding="same", activation="relu", use_bias=True),
        k2_layer("MaxPooling2D", "pool2", [("conv2", {})], pool_size=[2, 2], strides=[2, 2],
                 padding="valid"),
        k2_layer("Permute", "to_width", [("pool2", {})], dims=[2, 1, 3]),
        k2_layer("Reshape", "columns", [("to_width", {})], target_shape=[16, 128]),
        k2_layer("Bidirectional", "bilstm", [("columns", {})], merge_mode="concat",
                 layer={"class_name": "LSTM", "config": {
                     "name": "lstm", "trainable": True, "dtype": "float32", "units": 24,
                     "return_sequences": True, "use_bias": True, "activation": "tanh",
                     "recurrent_activation": "sigmoid"}}),
        k2_layer("Dense", "chars", [("bilstm", {})], units=37, activation="softmax",
                 use_bias=True),
    ]
    config = k2_functional("crnn", layers, ["image"], ["chars"])
    weights = [("image", []), ("conv1", conv2d(3, 1, 8)), ("pool1", []),
               ("conv2", conv2d(3, 8, 16)), ("pool2", []), ("to_width", []), ("columns", []),
               ("bilstm", [("forward_lstm/lstm_cell/" + v, s) for v, s in lstm(128, 24)]
                + [("backward_lstm/lstm_cell/" + v, s) for v, s in lstm(128, 24)]),
               ("chars", dense(48, 37))]
    write_h5(os.path.join(OUT, "crnn_functional.h5"), config, weights)


def seq2seq():
    """Encoder and decoder stacks of attention; the decoder attends to the encoder's output."""
    d, heads, kd = 32, 2, 16
    layers = [
        k2_input("source_ids", [12], "int32"),
        k2_input("target_ids", [10], "int32"),
        k2_layer("Embedding", "source_embedding", [("source_ids", {})], input_dim=200,
                 output_dim=d),
        k2_layer("Embedding", "target_embedding", [("target_ids", {})], input_dim=200,
                 output_dim=d),
        k2_layer("MultiHeadAttention", "encoder_self_attention",
                 [("source_embedding", {"value": ["source_embedding", 0, 0]})],
                 num_heads=heads, key_dim=kd, value_dim=kd, use_bias=True),
        k2_layer("LayerNormalization", "encoder_norm", [("encoder_self_attention", {})],
                 axis=[2], epsilon=1e-6),
        k2_layer("MultiHeadAttention", "decoder_self_attention",
                 [("target_embedding", {"value": ["target_embedding", 0, 0],
                                        "use_causal_mask": True})],
                 num_heads=heads, key_dim=kd, value_dim=kd, use_bias=True),
        k2_layer("MultiHeadAttention", "decoder_cross_attention",
                 [("decoder_self_attention", {"value": ["encoder_norm", 0, 0]})],
                 num_heads=heads, key_dim=kd, value_dim=kd, use_bias=True),
        k2_layer("Dense", "logits", [("decoder_cross_attention", {})], units=200,
                 use_bias=True),
    ]
    config = k2_functional("translator", layers, ["source_ids", "target_ids"], ["logits"])
    weights = [("source_ids", []), ("target_ids", []),
               ("source_embedding", [("embeddings", (200, d))]),
               ("target_embedding", [("embeddings", (200, d))]),
               ("encoder_self_attention", mha(d, heads, kd)),
               ("encoder_norm", layer_norm(d)),
               ("decoder_self_attention", mha(d, heads, kd)),
               ("decoder_cross_attention", mha(d, heads, kd)),
               ("logits", dense(d, 200))]
    write_h5(os.path.join(OUT, "seq2seq_transformer.h5"), config, weights)


def lambda_mlp():
    """A Sequential MLP with a Lambda layer: marshalled bytecode in the config (a hazard)."""
    config = {"class_name": "Sequential", "config": {"name": "scorer", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 20],
                                                "dtype": "float32", "name": "features"}},
        {"class_name": "Dense", "config": {"name": "hidden", "units": 16, "use_bias": True,
                                           "activation": "relu"}},
        # not real bytecode: base64 of a plain text; neuronfit never decodes it anyway
        {"class_name": "Lambda", "config": {
            "name": "scale", "function_type": "lambda", "output_shape_type": "raw",
            "function": ["bm90IHB5dGhvbiBieXRlY29kZQ==\n", None, None],
            "output_shape": None, "arguments": {}}},
        {"class_name": "Dense", "config": {"name": "score", "units": 1, "use_bias": True}},
    ]}}
    weights = [("hidden", dense(20, 16)), ("scale", []), ("score", dense(16, 1))]
    write_h5(os.path.join(OUT, "lambda_mlp.h5"), config, weights, training=False)


def cnn_config_only():
    """A Keras 2.2 Sequential CNN (config as a bare list of layers) saved without weights."""
    config = {"class_name": "Sequential", "config": [
        {"class_name": "Conv2D", "config": {
            "name": "conv2d_1", "batch_input_shape": [None, 28, 28, 1], "dtype": "float32",
            "filters": 16, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
            "use_bias": True}},
        {"class_name": "BatchNormalization", "config": {"name": "bn_1", "axis": -1,
                                                        "center": True, "scale": True}},
        {"class_name": "MaxPooling2D", "config": {"name": "pool_1", "pool_size": [2, 2],
                                                  "strides": [2, 2], "padding": "valid"}},
        {"class_name": "Conv2D", "config": {"name": "conv2d_2", "filters": 32,
                                            "kernel_size": [3, 3], "strides": [1, 1],
                                            "padding": "same", "use_bias": True}},
        {"class_name": "Conv2D", "config": {"name": "conv2d_3", "filters": 32,
                                            "kernel_size": [3, 3], "strides": [2, 2],
                                            "padding": "valid", "use_bias": False}},
        {"class_name": "Flatten", "config": {"name": "flatten_1"}},
        {"class_name": "Dense", "config": {"name": "dense_1", "units": 10, "use_bias": True}},
    ]}
    write_h5(os.path.join(OUT, "cnn_config_only.h5"), config, None, keras_version="2.2.4",
             training=False)


def nested_sequential():
    """A functional model using a Sequential feature extractor as one layer."""
    inner = {"class_name": "Sequential", "config": {"name": "features", "layers": [
        {"class_name": "Conv2D", "config": {"name": "c1", "batch_input_shape": [None, 16, 16, 3],
                                            "filters": 4, "kernel_size": [3, 3],
                                            "padding": "same", "use_bias": True}},
        {"class_name": "Conv2D", "config": {"name": "c2", "filters": 4, "kernel_size": [3, 3],
                                            "padding": "same", "use_bias": True}},
        {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap"}},
    ]}, "name": "features", "inbound_nodes": [[["picture", 0, 0, {}]]]}
    layers = [
        k2_input("picture", [16, 16, 3]),
        inner,
        k2_layer("Dense", "label", [("features", {})], units=5, use_bias=True),
    ]
    config = k2_functional("classifier", layers, ["picture"], ["label"])
    weights = [("picture", []),
               ("features", [("c1/" + v, s) for v, s in conv2d(3, 3, 4)]
                + [("c2/" + v, s) for v, s in conv2d(3, 4, 4)]),
               ("label", dense(4, 5))]
    write_h5(os.path.join(OUT, "nested_sequential.h5"), config, weights)


# ---------------------------------------------------------------- Keras 3 archives


def dtype_policy():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
            "registered_name": None}


def tensor(layer, shape, node=0, index=0):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, node, index]}}


def k3_layer(cls, name, args, input_shape, kwargs=None, module="keras.layers", **config):
    cfg = {"name": name, "trainable": True, "dtype": dtype_policy()}
    cfg.update(config)
    layer = {"module": module, "class_name": cls, "config": cfg,
             "registered_name": None if module.startswith("keras") else cls,
             "name": name, "inbound_nodes": [{"args": args, "kwargs": kwargs or {}}]}
    if input_shape is not None:
        layer["build_config"] = {"input_shape": input_shape}
    return layer


def k3_input(name, shape, dtype="float32"):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": [None] + shape, "dtype": dtype, "sparse": False,
                       "name": name},
            "registered_name": None, "name": name, "inbound_nodes": []}


def write_keras(path, layers, inputs, outputs, weights):
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": os.path.basename(path).split(".")[0], "trainable": True,
                         "layers": layers,
                         "input_layers": [[i, 0, 0] for i in inputs],
                         "output_layers": [[o, 0, 0] for o in outputs]},
              "registered_name": "Functional",
              "compile_config": {"optimizer": {"module": "keras.optimizers",
                                               "class_name": "Adam", "config": {}},
                                 "loss": "sparse_categorical_crossentropy"}}
    h5 = io.BytesIO()
    with h5py.File(h5, "w") as f:
        lg = f.create_group("layers")
        for layer, variables in weights:
            g = lg.create_group(layer)
            v = g.create_group("vars")
            for i, shape in enumerate(variables):
                v.create_dataset(str(i), data=np.zeros(shape, "float32"), track_times=False)
        f.create_group("optimizer").create_group("vars").create_dataset(
            "0", data=np.zeros((), "int64"), track_times=False)
        f.create_group("vars")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in [
                ("metadata.json", json.dumps({"keras_version": "3.3.3",
                                              "date_saved": "2024-05-01@12:00:00"})),
                ("config.json", json.dumps(config)),
                ("model.weights.h5", h5.getvalue())]:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)


def mha3(d, heads, key_dim):
    return [[d, heads, key_dim], [heads, key_dim]] * 3 + [[heads, key_dim, d], [d]]


def text_model(path, causal):
    """Token and position embeddings, two attention blocks: an encoder, or with
    use_causal_mask a decoder (GPT-style)."""
    d, heads, kd, seq = 32, 2, 16, 16
    x = "embed_sum"
    layers = [
        k3_input("token_ids", [seq], "int32"),
        k3_layer("Embedding", "token_embedding", [tensor("token_ids", [None, seq])],
                 [None, seq], input_dim=500, output_dim=d),
        k3_layer("PositionEmbedding", "position_embedding",
                 [tensor("token_embedding", [None, seq, d])], [None, seq, d],
                 module="my_project.layers", sequence_length=seq),
        k3_layer("Add", x, [[tensor("token_embedding", [None, seq, d]),
                             tensor("position_embedding", [None, seq, d])]], None),
    ]
    weights = [("token_embedding", [[500, d]]), ("position_embedding", [[seq, d]])]
    for b in range(2):
        att, norm, ffn = f"attention_{b}", f"norm_{b}", f"ffn_{b}"
        kwargs = {"use_causal_mask": True} if causal else {}
        layers += [
            k3_layer("MultiHeadAttention", att,
                     [tensor(x, [None, seq, d]), tensor(x, [None, seq, d])],
                     [None, seq, d], kwargs, num_heads=heads, key_dim=kd, value_dim=kd,
                     use_bias=True),
            k3_layer("LayerNormalization", norm, [tensor(att, [None, seq, d])],
                     [None, seq, d], axis=-1, epsilon=1e-6, center=True, scale=True),
            k3_layer("Dense", ffn, [tensor(norm, [None, seq, d])], [None, seq, d],
                     units=d, use_bias=True, activation="relu"),
        ]
        weights += [(att, mha3(d, heads, kd)), (norm, [[d], [d]]), (ffn, [[d, d], [d]])]
        x = ffn
    head = "lm_head" if causal else "classifier"
    if causal:
        layers.append(k3_layer("Dense", head, [tensor(x, [None, seq, d])], [None, seq, d],
                               units=500, use_bias=True))
        weights.append((head, [[d, 500], [500]]))
    else:
        layers.append(k3_layer("GlobalAveragePooling1D", "pool", [tensor(x, [None, seq, d])],
                               [None, seq, d]))
        layers.append(k3_layer("Dense", head, [tensor("pool", [None, d])], [None, d],
                               units=3, use_bias=True))
        weights.append((head, [[d, 3], [3]]))
    write_keras(os.path.join(OUT, path), layers, ["token_ids"], [head], weights)


def vit():
    """A Conv2D patch embedding (kernel = stride = 8) and two attention blocks."""
    d, heads, kd = 32, 2, 16
    layers = [
        k3_input("pixels", [32, 32, 3]),
        k3_layer("Conv2D", "patch_embedding", [tensor("pixels", [None, 32, 32, 3])],
                 [None, 32, 32, 3], filters=d, kernel_size=[8, 8], strides=[8, 8],
                 padding="valid", use_bias=True),
        k3_layer("Reshape", "patches", [tensor("patch_embedding", [None, 4, 4, d])],
                 [None, 4, 4, d], target_shape=[16, d]),
    ]
    weights = [("patch_embedding", [[8, 8, 3, d], [d]])]
    x = "patches"
    for b in range(2):
        att = f"block_{b}_attention"
        layers.append(k3_layer("MultiHeadAttention", att,
                               [tensor(x, [None, 16, d]), tensor(x, [None, 16, d])],
                               [None, 16, d], num_heads=heads, key_dim=kd, use_bias=True))
        weights.append((att, mha3(d, heads, kd)))
        x = att
    layers += [
        k3_layer("GlobalAveragePooling1D", "pool", [tensor(x, [None, 16, d])], [None, 16, d]),
        k3_layer("Dense", "classes", [tensor("pool", [None, d])], [None, d], units=10,
                 use_bias=True),
    ]
    weights.append(("classes", [[d, 10], [10]]))
    write_keras(os.path.join(OUT, "vit_patches.keras"), layers, ["pixels"], ["classes"], weights)


def links():
    """Weights with a soft link and an external link (to /etc/passwd) among them: neither is
    followed; the one real dataset is counted."""
    config = {"class_name": "Sequential", "config": {"name": "linked", "layers": [
        {"class_name": "Dense", "config": {"name": "dense", "units": 2, "use_bias": False,
                                           "batch_input_shape": [None, 3]}}]}}
    path = os.path.join(OUT, "links.h5")
    write_h5(path, config, [("dense", [("kernel", (3, 2))])], training=False)
    with h5py.File(path, "a") as f:
        g = f["model_weights/dense"]
        g["elsewhere"] = h5py.ExternalLink("/etc/passwd", "/secrets")
        g["alias"] = h5py.SoftLink("/model_weights/dense/dense/kernel:0")


if __name__ == "__main__":
    links()
    crnn()
    seq2seq()
    lambda_mlp()
    cnn_config_only()
    nested_sequential()
    text_model("text_encoder.keras", causal=False)
    text_model("gpt_decoder.keras", causal=True)
    vit()
