#!/usr/bin/env python3
"""Writes the small real-weight examples under examples/ (tiny-llama-2-sharded, tiny-faster-rcnn).

Pinned tools: Debian 12 (bookworm) python3-torch 1.13.1 and python3-torchvision 0.14.1
(`apt-get install python3-torch python3-torchvision`), run with /usr/bin/python3.
Debian has no safetensors package, so this script writes the format itself: an unsigned 64-bit
little-endian header length, the JSON header, then the raw tensor bytes in header order.
Weights are random (seeded), so the files are reproducible but carry no trained behaviour.

Usage: /usr/bin/python3 examples/tools/generate_tiny.py   (from the repository root)
"""
import json
import os
import struct

import torch
import torchvision
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import TwoMLPHead, FastRCNNPredictor
from torchvision.ops import MultiScaleRoIAlign

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor); data is laid out in this order with no gaps."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors:
        t = t.detach().contiguous().cpu()
        data = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)  # align the data buffer to 8 bytes, as the safetensors library does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def tiny_llama():
    """A Llama-2-layout decoder: names and shapes follow transformers' LlamaForCausalLM state dict."""
    cfg = {
        "architectures": ["LlamaForCausalLM"],
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": 64,
        "initializer_range": 0.02,
        "intermediate_size": 172,
        "max_position_embeddings": 4096,
        "model_type": "llama",
        "num_attention_heads": 4,
        "num_hidden_layers": 4,
        "num_key_value_heads": 4,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-05,
        "rope_scaling": None,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.31.0",
        "use_cache": True,
        "vocab_size": 1000,
    }
    h, i, v, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["num_hidden_layers"]
    g = torch.Generator().manual_seed(7)

    def w(*shape):
        return (torch.randn(*shape, generator=g) * 0.02).to(torch.bfloat16)

    tensors = [("model.embed_tokens.weight", w(v, h))]
    for n in range(layers):
        p = f"model.layers.{n}."
        tensors += [
            (p + "self_attn.q_proj.weight", w(h, h)),
            (p + "self_attn.k_proj.weight", w(h, h)),
            (p + "self_attn.v_proj.weight", w(h, h)),
            (p + "self_attn.o_proj.weight", w(h, h)),
            (p + "mlp.gate_proj.weight", w(i, h)),
            (p + "mlp.up_proj.weight", w(i, h)),
            (p + "mlp.down_proj.weight", w(h, i)),
            (p + "input_layernorm.weight", torch.ones(h, dtype=torch.bfloat16)),
            (p + "post_attention_layernorm.weight", torch.ones(h, dtype=torch.bfloat16)),
        ]
    tensors += [("model.norm.weight", torch.ones(h, dtype=torch.bfloat16)), ("lm_head.weight", w(v, h))]
    out = os.path.join(EXAMPLES, "tiny-llama-2-sharded")
    os.makedirs(out, exist_ok=True)
    half = len(tensors) // 2
    shards = [tensors[:half], tensors[half:]]
    names = [f"model-0000{k + 1}-of-00002.safetensors" for k in range(2)]
    weight_map, total = {}, 0
    for shard, name in zip(shards, names):
        write_safetensors(os.path.join(out, name), shard, {"format": "pt"})
        for tname, t in shard:
            weight_map[tname] = name
            total += t.numel() * t.element_size()
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    return sum(t.numel() for _, t in tensors)


def tiny_faster_rcnn():
    """torchvision's FasterRCNN around a two-convolution backbone: real RPN and RoI-head modules."""
    torch.manual_seed(11)
    backbone = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, stride=2, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 16, 3, stride=2, padding=1), torch.nn.ReLU())
    backbone.out_channels = 16
    anchors = AnchorGenerator(sizes=((32, 64),), aspect_ratios=((0.5, 1.0, 2.0),))
    pool = MultiScaleRoIAlign(featmap_names=["0"], output_size=7, sampling_ratio=2)
    model = FasterRCNN(
        backbone, num_classes=None, rpn_anchor_generator=anchors, box_roi_pool=pool,
        box_head=TwoMLPHead(16 * 7 * 7, 32), box_predictor=FastRCNNPredictor(32, 3),
        box_detections_per_img=50)
    model.eval()
    out = os.path.join(EXAMPLES, "tiny-faster-rcnn")
    os.makedirs(out, exist_ok=True)
    state = list(model.state_dict().items())
    write_safetensors(os.path.join(out, "model.safetensors"), state,
                      {"format": "pt", "source": "torchvision %s FasterRCNN" % torchvision.__version__})
    return sum(t.numel() for _, t in state)


if __name__ == "__main__":
    print("tiny-llama-2-sharded parameters:", tiny_llama())
    print("tiny-faster-rcnn parameters:", tiny_faster_rcnn())
