#!/usr/bin/python3
"""Writes the ONNX reader fixtures in this directory.

Run from the repository root:

    /usr/bin/python3 core/src/test/resources/onnx/generate.py

Every model is a real PyTorch/torchvision module shrunk in width, depth, vocabulary and image size so
that each file stays under 1 MB, exported with torch.onnx.export. Each builder seeds torch on its own,
so a file does not change when another builder is added, removed or reordered. Running the script twice
gives byte-identical files with the pinned versions listed in README.md.

After writing, every file is checked with onnx.checker and a Markdown summary table (size, opset,
inputs, most frequent op types and family-telling op types, all counted through subgraphs too) is printed for README.md.
"""

import collections
import io
import math
import os
import sys

import onnx
import onnx.helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import mobilenet_v2
from torchvision.models.detection import FasterRCNN, MaskRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.models.vision_transformer import VisionTransformer
from torchvision.ops import MultiScaleRoIAlign

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 1_000_000  # decimal megabyte, the stricter reading
DEFAULT_OPSET = 14
DETECTION_OPSET = 11  # the opset torchvision's own test_onnx.py exports detection models with

EXPECTED_VERSIONS = {"torch": "1.13", "torchvision": "0.14", "onnx": "1.12"}


# ---------------------------------------------------------------------------------------------------
# CNN


class TinyResNet(ResNet):
    """torchvision ResNet-18 layout (BasicBlock, [2, 2, 2, 2]) with stage widths 8/16/32/64.

    torchvision's ResNet hard-codes widths 64..512 and BasicBlock refuses width_per_group != 64, so
    this replays ResNet.__init__ with smaller planes; forward, _make_layer and BasicBlock are
    torchvision's own.
    """

    def __init__(self, widths=(8, 16, 32, 64), layers=(2, 2, 2, 2), num_classes=10):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = widths[0]
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(BasicBlock, widths[0], layers[0])
        self.layer2 = self._make_layer(BasicBlock, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(BasicBlock, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(BasicBlock, widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * BasicBlock.expansion, num_classes)


def resnet18_tiny():
    model = TinyResNet()
    return model, (torch.randn(1, 3, 64, 64),), ["input"], ["logits"], DEFAULT_OPSET


def mobilenet_v2_tiny():
    model = mobilenet_v2(weights=None, width_mult=0.2, num_classes=10)
    return model, (torch.randn(1, 3, 64, 64),), ["input"], ["logits"], DEFAULT_OPSET


class SegmentationUNet(nn.Module):
    """Plain encoder-decoder segmentation UNet: skip concatenations, no timestep or conditioning."""

    def __init__(self, in_ch=3, classes=2, widths=(8, 16, 32)):
        super().__init__()
        self.downs = nn.ModuleList()
        ch = in_ch
        for w in widths:
            self.downs.append(self._double_conv(ch, w))
            ch = w
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = self._double_conv(widths[-1], widths[-1] * 2)
        self.ups = nn.ModuleList()
        self.up_convs = nn.ModuleList()
        ch = widths[-1] * 2
        for w in reversed(widths):
            self.ups.append(nn.ConvTranspose2d(ch, w, kernel_size=2, stride=2))
            self.up_convs.append(self._double_conv(w * 2, w))
            ch = w
        self.head = nn.Conv2d(ch, classes, kernel_size=1)

    @staticmethod
    def _double_conv(cin, cout):
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )

    def forward(self, image):
        skips = []
        x = image
        for down in self.downs:
            x = down(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for up, conv, skip in zip(self.ups, self.up_convs, reversed(skips)):
            x = up(x)
            x = conv(torch.cat([skip, x], dim=1))
        return self.head(x)


def unet_no_timestep():
    return SegmentationUNet(), (torch.randn(1, 3, 64, 64),), ["image"], ["mask_logits"], DEFAULT_OPSET


# ---------------------------------------------------------------------------------------------------
# R-CNN


class TinyBackbone(nn.Sequential):
    """Three strided conv stages (stride 8 overall); FasterRCNN only needs `out_channels`."""

    def __init__(self, out_channels=16):
        super().__init__(
            nn.Conv2d(3, 8, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(16, out_channels, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),
        )
        self.out_channels = out_channels


def _detection_kwargs(num_classes, channels, representation):
    return dict(
        num_classes=None,
        min_size=128,
        max_size=128,
        rpn_anchor_generator=AnchorGenerator(sizes=((16, 32, 64),), aspect_ratios=((0.5, 1.0, 2.0),)),
        rpn_pre_nms_top_n_test=200,
        rpn_post_nms_top_n_test=100,
        box_roi_pool=MultiScaleRoIAlign(featmap_names=["0"], output_size=7, sampling_ratio=2),
        box_head=TwoMLPHead(channels * 7 * 7, representation),
        box_predictor=FastRCNNPredictor(representation, num_classes),
        box_detections_per_img=50,
    )


def fasterrcnn_tiny():
    channels = 16
    model = FasterRCNN(TinyBackbone(channels), **_detection_kwargs(3, channels, 32))
    image = torch.rand(3, 128, 128)
    return model, ([image],), ["image"], ["boxes", "labels", "scores"], DETECTION_OPSET


def maskrcnn_tiny():
    channels = 16
    model = MaskRCNN(
        TinyBackbone(channels),
        mask_roi_pool=MultiScaleRoIAlign(featmap_names=["0"], output_size=14, sampling_ratio=2),
        mask_head=MaskRCNNHeads(channels, (16, 16), 1),
        mask_predictor=MaskRCNNPredictor(16, 16, 3),
        **_detection_kwargs(3, channels, 32),
    )
    image = torch.rand(3, 128, 128)
    return model, ([image],), ["image"], ["boxes", "labels", "scores", "masks"], DETECTION_OPSET


# ---------------------------------------------------------------------------------------------------
# Vision transformer


def vit_tiny():
    model = VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10
    )
    return model, (torch.randn(1, 3, 32, 32),), ["pixel_values"], ["logits"], DEFAULT_OPSET


# ---------------------------------------------------------------------------------------------------
# Text transformers written out with MatMul/Softmax attention


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, additive_mask):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d // self.heads)
        weights = torch.softmax(scores + additive_mask, dim=-1)
        context = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, d)
        return self.out(context)


class Block(nn.Module):
    """Post-norm (BERT) or pre-norm (GPT) transformer block."""

    def __init__(self, dim, heads, ffn, pre_norm):
        super().__init__()
        self.pre_norm = pre_norm
        self.attn = SelfAttention(dim, heads)
        self.ln1 = nn.LayerNorm(dim)
        self.ln2 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(), nn.Linear(ffn, dim))

    def forward(self, x, additive_mask):
        if self.pre_norm:
            x = x + self.attn(self.ln1(x), additive_mask)
            return x + self.ffn(self.ln2(x))
        x = self.ln1(x + self.attn(x, additive_mask))
        return self.ln2(x + self.ffn(x))


class BertTiny(nn.Module):
    def __init__(self, vocab=1000, max_len=64, dim=32, heads=2, ffn=64, layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.typ = nn.Embedding(2, dim)
        self.emb_ln = nn.LayerNorm(dim)
        self.blocks = nn.ModuleList(Block(dim, heads, ffn, pre_norm=False) for _ in range(layers))
        self.pooler = nn.Linear(dim, dim)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.emb_ln(self.tok(input_ids) + self.pos(positions) + self.typ(torch.zeros_like(input_ids)))
        # padding mask only: [b, 1, 1, t], 0 where attended, large negative where padded
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for block in self.blocks:
            x = block(x, additive)
        return x, torch.tanh(self.pooler(x[:, 0]))


def bert_tiny():
    ids = torch.randint(0, 1000, (1, 16), dtype=torch.int64)
    mask = torch.ones(1, 16, dtype=torch.int64)
    return (
        BertTiny(),
        (ids, mask),
        ["input_ids", "attention_mask"],
        ["last_hidden_state", "pooler_output"],
        DEFAULT_OPSET,
    )


class GptTiny(nn.Module):
    def __init__(self, vocab=1000, max_len=64, dim=32, heads=2, ffn=128, layers=2):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(max_len, dim)
        self.blocks = nn.ModuleList(Block(dim, heads, ffn, pre_norm=True) for _ in range(layers))
        self.ln_f = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # tied

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.wte(input_ids) + self.wpe(torch.arange(t).unsqueeze(0))
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        additive = torch.zeros(t, t).masked_fill(~causal, torch.finfo(torch.float32).min)
        for block in self.blocks:
            x = block(x, additive)
        return self.lm_head(self.ln_f(x))


def gpt_tiny():
    ids = torch.randint(0, 1000, (1, 16), dtype=torch.int64)
    return GptTiny(), (ids,), ["input_ids"], ["logits"], DEFAULT_OPSET


class Seq2SeqTiny(nn.Module):
    def __init__(self, src_vocab=500, tgt_vocab=500, dim=32, max_len=64):
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab, dim)
        self.tgt_emb = nn.Embedding(tgt_vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.transformer = nn.Transformer(
            d_model=dim,
            nhead=2,
            num_encoder_layers=2,
            num_decoder_layers=2,
            dim_feedforward=64,
            dropout=0.0,
            batch_first=True,
        )
        self.generator = nn.Linear(dim, tgt_vocab)

    def forward(self, src_ids, tgt_ids):
        src = self.src_emb(src_ids) + self.pos(torch.arange(src_ids.shape[1]).unsqueeze(0))
        tgt = self.tgt_emb(tgt_ids) + self.pos(torch.arange(tgt_ids.shape[1]).unsqueeze(0))
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt_ids.shape[1])
        return self.generator(self.transformer(src, tgt, tgt_mask=tgt_mask))


def seq2seq_tiny():
    src = torch.randint(0, 500, (1, 12), dtype=torch.int64)
    tgt = torch.randint(0, 500, (1, 8), dtype=torch.int64)
    return Seq2SeqTiny(), (src, tgt), ["src_ids", "tgt_ids"], ["logits"], DEFAULT_OPSET


# ---------------------------------------------------------------------------------------------------
# Recurrent


class RnnClassifier(nn.Module):
    def __init__(self, cell, vocab=1000, dim=32, hidden=48, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = cell(dim, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, input_ids):
        out, _ = self.rnn(self.emb(input_ids))
        return self.head(out[:, -1])


def lstm_classifier():
    ids = torch.randint(0, 1000, (1, 20), dtype=torch.int64)
    return RnnClassifier(nn.LSTM), (ids,), ["input_ids"], ["logits"], DEFAULT_OPSET


def gru_classifier():
    ids = torch.randint(0, 1000, (1, 20), dtype=torch.int64)
    return RnnClassifier(nn.GRU), (ids,), ["input_ids"], ["logits"], DEFAULT_OPSET


class CrnnTiny(nn.Module):
    """CNN over a text-line image, columns become time steps, bidirectional LSTM, per-step classes."""

    def __init__(self, classes=37, hidden=32):
        super().__init__()

        def stage(cin, cout, pool):
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(pool)]

        self.cnn = nn.Sequential(
            *stage(1, 16, (2, 2)),  # 16 x 50
            *stage(16, 32, (2, 2)),  # 8 x 25
            *stage(32, 48, (2, 1)),  # 4 x 25
            *stage(48, 64, (4, 1)),  # 1 x 25
        )
        self.rnn = nn.LSTM(64, hidden, num_layers=2, bidirectional=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, image):
        features = self.cnn(image)  # [b, c, 1, w]
        sequence = features.squeeze(2).permute(2, 0, 1)  # [w, b, c]
        out, _ = self.rnn(sequence)
        return self.head(out)  # [w, b, classes], CTC-style


def crnn_tiny():
    return CrnnTiny(), (torch.randn(1, 1, 32, 100),), ["image"], ["logits"], DEFAULT_OPSET


# ---------------------------------------------------------------------------------------------------
# Diffusion denoiser


def timestep_embedding(timestep, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = timestep.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb_dim, groups=4):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb_dim, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class CrossAttention(nn.Module):
    """Spatial tokens attend to the conditioning sequence (text encoder states in Stable Diffusion)."""

    def __init__(self, channels, context_dim, heads=2, groups=4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(groups, channels)
        self.q = nn.Linear(channels, channels, bias=False)
        self.k = nn.Linear(context_dim, channels, bias=False)
        self.v = nn.Linear(context_dim, channels, bias=False)
        self.out = nn.Linear(channels, channels)

    def forward(self, x, context):
        b, c, h, w = x.shape
        tokens = self.norm(x).reshape(b, c, h * w).transpose(1, 2)  # [b, hw, c]
        d = c // self.heads

        def split(z):
            return z.reshape(b, -1, self.heads, d).transpose(1, 2)

        q, k, v = split(self.q(tokens)), split(self.k(context)), split(self.v(context))
        weights = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d), dim=-1)
        attended = torch.matmul(weights, v).transpose(1, 2).reshape(b, h * w, c)
        return x + self.out(attended).transpose(1, 2).reshape(b, c, h, w)


class ConditionalUNet(nn.Module):
    def __init__(self, in_ch=4, widths=(16, 32), context_dim=32, temb_dim=64):
        super().__init__()
        self.freq_dim = widths[0]
        self.time_mlp = nn.Sequential(nn.Linear(self.freq_dim, temb_dim), nn.SiLU(), nn.Linear(temb_dim, temb_dim))
        self.conv_in = nn.Conv2d(in_ch, widths[0], 3, padding=1)
        self.down1 = ResBlock(widths[0], widths[0], temb_dim)
        self.downsample = nn.Conv2d(widths[0], widths[0], 3, stride=2, padding=1)
        self.down2 = ResBlock(widths[0], widths[1], temb_dim)
        self.mid = ResBlock(widths[1], widths[1], temb_dim)
        self.mid_attn = CrossAttention(widths[1], context_dim)
        self.up2 = ResBlock(widths[1] * 2, widths[1], temb_dim)
        self.upsample = nn.Conv2d(widths[1], widths[1], 3, padding=1)
        self.up1 = ResBlock(widths[1] + widths[0], widths[0], temb_dim)
        self.norm_out = nn.GroupNorm(4, widths[0])
        self.conv_out = nn.Conv2d(widths[0], in_ch, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.time_mlp(timestep_embedding(timestep, self.freq_dim))
        x = self.conv_in(sample)
        d1 = self.down1(x, temb)  # 16x16
        d2 = self.down2(self.downsample(d1), temb)  # 8x8
        m = self.mid_attn(self.mid(d2, temb), encoder_hidden_states)
        u2 = self.up2(torch.cat([m, d2], dim=1), temb)
        u2 = self.upsample(F.interpolate(u2, scale_factor=2.0, mode="nearest"))
        u1 = self.up1(torch.cat([u2, d1], dim=1), temb)
        return self.conv_out(F.silu(self.norm_out(u1)))


def unet_conditional_tiny():
    args = (torch.randn(1, 4, 16, 16), torch.tensor([500.0]), torch.randn(1, 8, 32))
    return (
        ConditionalUNet(),
        args,
        ["sample", "timestep", "encoder_hidden_states"],
        ["noise_pred"],
        DEFAULT_OPSET,
    )


# ---------------------------------------------------------------------------------------------------
# Writing and checking


TORCH_MODELS = [
    ("resnet18_tiny.onnx", resnet18_tiny),
    ("mobilenet_v2_tiny.onnx", mobilenet_v2_tiny),
    ("fasterrcnn_tiny.onnx", fasterrcnn_tiny),
    ("maskrcnn_tiny.onnx", maskrcnn_tiny),
    ("vit_tiny.onnx", vit_tiny),
    ("bert_tiny.onnx", bert_tiny),
    ("gpt_tiny.onnx", gpt_tiny),
    ("seq2seq_tiny.onnx", seq2seq_tiny),
    ("lstm_classifier.onnx", lstm_classifier),
    ("gru_classifier.onnx", gru_classifier),
    ("crnn_tiny.onnx", crnn_tiny),
    ("unet_conditional_tiny.onnx", unet_conditional_tiny),
    ("unet_no_timestep.onnx", unet_no_timestep),
]


def export_torch(name, builder):
    torch.manual_seed(0)
    model, args, input_names, output_names, opset = builder()
    model.eval()
    buffer = io.BytesIO()
    # Grad stays enabled: under no_grad, eval-mode nn.MultiheadAttention/TransformerEncoderLayer take
    # the fused fast path (aten::_native_multi_head_attention), which torch 1.13 cannot export.
    torch.onnx.export(
        model,
        args,
        buffer,
        opset_version=opset,
        do_constant_folding=True,
        input_names=input_names,
        output_names=output_names,
    )
    proto = onnx.load_from_string(buffer.getvalue())
    # Names the generator in the file itself; the exporter records only "pytorch" and its version.
    proto.doc_string = f"neuronfit test fixture {name}, written by core/src/test/resources/onnx/generate.py"
    write_bytes(os.path.join(OUT_DIR, name), proto.SerializeToString())


def single_matmul():
    """One MatMul against a weight initializer: a graph with too little evidence for any family."""
    weight = onnx.helper.make_tensor("weight", onnx.TensorProto.FLOAT, [8, 4], [0.125 * i for i in range(32)])
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("MatMul", ["x", "weight"], ["y"], name="MatMul_0")],
        "single_matmul",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 8])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4])],
        initializer=[weight],
    )
    model = onnx.helper.make_model(
        graph,
        producer_name="neuronfit generate.py",
        opset_imports=[onnx.helper.make_opsetid("", DEFAULT_OPSET)],
        doc_string="neuronfit test fixture single_matmul.onnx, written by core/src/test/resources/onnx/generate.py",
    )
    model.ir_version = 8
    write_bytes(os.path.join(OUT_DIR, "single_matmul.onnx"), model.SerializeToString())


def external_data_copy():
    """bert_tiny.onnx again, with every initializer moved to external_data/weights.bin."""
    directory = os.path.join(OUT_DIR, "external_data")
    os.makedirs(directory, exist_ok=True)
    weights = os.path.join(directory, "weights.bin")
    # onnx appends to an existing external file, so remove it first to keep reruns idempotent.
    if os.path.exists(weights):
        os.remove(weights)
    model = onnx.load(os.path.join(OUT_DIR, "bert_tiny.onnx"))
    model.doc_string = (
        "neuronfit test fixture external_data/bert_tiny.onnx, written by core/src/test/resources/onnx/generate.py"
    )
    onnx.save_model(
        model,
        os.path.join(directory, "bert_tiny.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def op_histogram(graph, counts):
    for node in graph.node:
        counts[node.op_type] += 1
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                op_histogram(attribute.g, counts)
            for sub in attribute.graphs:
                op_histogram(sub, counts)
    return counts


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return "x".join(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?") for d in shape.dim)


# Ops that tell families apart but can fall outside the top eight (detection graphs are mostly shape math).
SIGNATURE_OPS = [
    "RoiAlign", "NonMaxSuppression", "TopK", "Loop", "If", "Trilu", "Where", "Softmax", "LSTM", "GRU",
    "Sin", "Cos", "InstanceNormalization", "ConvTranspose", "Resize", "Concat", "Erf",
]


def summarize(relative_path):
    path = os.path.join(OUT_DIR, relative_path)
    onnx.checker.check_model(path)  # by path, so external data is checked where it lies
    model = onnx.load(path, load_external_data=False)
    size = os.path.getsize(path)
    counts = op_histogram(model.graph, collections.Counter())
    top = ", ".join(f"{op} {n}" for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    signature = ", ".join(f"{op} {counts[op]}" for op in SIGNATURE_OPS if counts[op])
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    initializers = {t.name for t in model.graph.initializer}
    inputs = ", ".join(f"{v.name} [{dims(v)}]" for v in model.graph.input if v.name not in initializers)
    return relative_path, size, opset, sum(counts.values()), inputs, top, signature


def check_versions():
    found = {"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__}
    for package, prefix in EXPECTED_VERSIONS.items():
        if not found[package].startswith(prefix):
            print(f"warning: {package} {found[package]}, fixtures were made with {prefix}.x", file=sys.stderr)


def main():
    check_versions()
    for name, builder in TORCH_MODELS:
        export_torch(name, builder)
    single_matmul()
    external_data_copy()

    rows = [summarize(name) for name, _ in TORCH_MODELS]
    rows.append(summarize("single_matmul.onnx"))
    weights = os.path.getsize(os.path.join(OUT_DIR, "external_data", "weights.bin"))
    rows.append(summarize("external_data/bert_tiny.onnx"))

    print("| file | bytes | opset | nodes | inputs | most frequent ops | telling ops present |")
    print("|---|---:|---:|---:|---|---|---|")
    for path, size, opset, nodes, inputs, top, signature in rows:
        print(f"| `{path}` | {size} | {opset} | {nodes} | {inputs} | {top} | {signature or '-'} |")
    print(f"| `external_data/weights.bin` | {weights} | | | | raw initializer data of the row above | |")

    too_big = [row[0] for row in rows if row[1] >= MAX_BYTES]
    if too_big:
        print(f"over 1 MB: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
