"""Writes torchvision ResNet-50 (random weights) as ONNX whose weights live in a sparse file.

GraphWorkloadTest runs this with /usr/bin/python3 (Debian python3-torch 1.13.1, python3-torchvision
0.14.1, python3-onnx 1.12) into a temporary folder and skips when they are missing. The graph is the
real export at 1x3x224x224, opset 14; every initializer is moved to external data in weights.bin,
which is only truncated to its full size (a sparse file of about 100 MB that takes no disk blocks):
neuronfit checks external data by size and never reads it.

Usage: /usr/bin/python3 resnet50_graph.py OUT_DIR   (exit status 3 when torch or onnx is missing)
"""
import io
import os
import sys

try:
    import onnx
    import torch
    import torchvision
    from onnx import external_data_helper
except ImportError as e:
    print("missing:", e)
    sys.exit(3)

out = sys.argv[1]
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
buf = io.BytesIO()
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), buf, opset_version=14,
                  input_names=["input"], output_names=["logits"])
proto = onnx.load_from_string(buf.getvalue())
offset = 0
for t in proto.graph.initializer:
    n = len(t.raw_data)
    if n == 0:
        continue
    external_data_helper.set_external_data(t, "weights.bin", offset=offset, length=n)
    t.ClearField("raw_data")
    t.data_location = onnx.TensorProto.EXTERNAL
    offset += n
with open(os.path.join(out, "weights.bin"), "wb") as f:
    f.truncate(offset)
onnx.save(proto, os.path.join(out, "resnet50.onnx"))
print(offset)
