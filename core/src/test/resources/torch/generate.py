#!/usr/bin/python3
"""Writes the PyTorch fixtures of core/src/test/resources/torch/ (see README.md).

Run with Debian's python3-torch 1.13.1 and python3-torchvision 0.14.1:

    /usr/bin/python3 core/src/test/resources/torch/generate.py core/src/test/resources/torch

Every model is tiny (widths shrunk) so each file stays under 1 MB. Seeds are fixed. The two
malicious files are written byte by byte with pickle opcodes: nothing here unpickles them, and
nothing in neuronfit ever does either (MaliciousPickleTest checks that their payload never runs).
"""
import math
import os
import sys
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.ops import MultiScaleRoIAlign

# the marker file the malicious pickles would create; tests assert it never appears
PWNED = "/tmp/neuronfit-pickle-pwned-3f9a1c7e"


def tiny_resnet():
    """torchvision's ResNet class with BasicBlocks [1, 1, 1, 1] and widths 8..64."""
    m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10)
    m.inplanes = 8
    m.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(8)
    m.layer1 = m._make_layer(BasicBlock, 8, 1)
    m.layer2 = m._make_layer(BasicBlock, 16, 1, stride=2)
    m.layer3 = m._make_layer(BasicBlock, 32, 1, stride=2)
    m.layer4 = m._make_layer(BasicBlock, 64, 1, stride=2)
    m.fc = nn.Linear(64, 10)
    return m.eval()


class TinyBackbone(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU())
        self.out_channels = 16


def tiny_faster_rcnn():
    anchors = AnchorGenerator(sizes=((16, 32),), aspect_ratios=((0.5, 1.0, 2.0),))
    pool = MultiScaleRoIAlign(featmap_names=["0"], output_size=7, sampling_ratio=2)
    head = torchvision.models.detection.faster_rcnn.TwoMLPHead(16 * 7 * 7, 32)
    predictor = torchvision.models.detection.faster_rcnn.FastRCNNPredictor(32, 3)
    m = FasterRCNN(TinyBackbone(), rpn_anchor_generator=anchors, box_roi_pool=pool,
                   box_head=head, box_predictor=predictor, min_size=64, max_size=64)
    return m.eval()


def tiny_vit():
    return torchvision.models.VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
        num_classes=10).eval()


class SelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.dropout = nn.Dropout(0.1)

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, x, mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.size(-1))
        probs = self.dropout(torch.softmax(scores + mask, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2)
        return ctx.reshape(x.shape)


class BertLayer(nn.Module):
    """One encoder layer with Hugging Face BERT's parameter names."""

    def __init__(self, d, heads):
        super().__init__()
        self.attention = nn.Module()
        self.attention.self = SelfAttention(d, heads)
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(d, d)
        self.attention.output.LayerNorm = nn.LayerNorm(d)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(d, 4 * d)
        self.output = nn.Module()
        self.output.dense = nn.Linear(4 * d, d)
        self.output.LayerNorm = nn.LayerNorm(d)

    def forward(self, x, mask):
        a = self.attention.self(x, mask)
        x = self.attention.output.LayerNorm(x + self.attention.output.dense(a))
        h = F.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(x + self.output.dense(h))


class BertStyleEncoder(nn.Module):
    def __init__(self, vocab=100, d=32, heads=2, layers=2, positions=16):
        super().__init__()
        self.embeddings = nn.Module()
        self.embeddings.word_embeddings = nn.Embedding(vocab, d)
        self.embeddings.position_embeddings = nn.Embedding(positions, d)
        self.embeddings.LayerNorm = nn.LayerNorm(d)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([BertLayer(d, heads) for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = self.embeddings.word_embeddings(input_ids) + self.embeddings.position_embeddings(pos)
        x = self.embeddings.LayerNorm(x)
        mask = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return x


class CausalSelfAttention(nn.Module):
    """GPT-2's attention with its parameter names and its stored causal mask (attn.bias)."""

    def __init__(self, d, heads, positions):
        super().__init__()
        self.heads = heads
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.register_buffer(
            "bias", torch.tril(torch.ones(positions, positions)).view(1, 1, positions, positions))

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(x).split(d, dim=2)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        y = torch.matmul(torch.softmax(att, dim=-1), v)
        return self.c_proj(y.transpose(1, 2).reshape(b, t, d))


class GptBlock(nn.Module):
    def __init__(self, d, heads, positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, heads, positions)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Module()
        self.mlp.c_fc = nn.Linear(d, 4 * d)
        self.mlp.c_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x))))


class GptStyleDecoder(nn.Module):
    def __init__(self, vocab=100, d=32, heads=2, layers=2, positions=16):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(vocab, d)
        self.transformer.wpe = nn.Embedding(positions, d)
        self.transformer.h = nn.ModuleList([GptBlock(d, heads, positions) for _ in range(layers)])
        self.transformer.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied, as GPT-2 does

    def forward(self, input_ids):
        pos = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = self.transformer.wte(input_ids) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


class LstmTagger(nn.Module):
    def __init__(self, vocab=100, d=16, hidden=32, tags=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d)
        self.lstm = nn.LSTM(d, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, tags)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out)


def timestep_embedding(t, dim: int):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(tdim, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x, temb):
        h = F.silu(self.conv1(x)) + self.time_emb_proj(temb)[:, :, None, None]
        return F.silu(self.conv2(h))


class TinyUNet(nn.Module):
    """A diffusers-style denoiser: timestep embedding, down and up blocks, skip concatenation."""

    def __init__(self, ch=8, tdim=32):
        super().__init__()
        self.tdim = tdim
        self.time_embedding = nn.Module()
        self.time_embedding.linear_1 = nn.Linear(tdim, tdim)
        self.time_embedding.linear_2 = nn.Linear(tdim, tdim)
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.down_blocks = nn.ModuleList([ResBlock(ch, ch, tdim), ResBlock(ch, 2 * ch, tdim)])
        self.downsample = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
        self.mid_block = ResBlock(2 * ch, 2 * ch, tdim)
        self.upsample = nn.ConvTranspose2d(2 * ch, 2 * ch, 2, stride=2)
        self.up_blocks = nn.ModuleList([ResBlock(3 * ch, ch, tdim)])
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, sample, timestep):
        temb = timestep_embedding(timestep, self.tdim)
        temb = self.time_embedding.linear_2(F.silu(self.time_embedding.linear_1(temb)))
        x = self.conv_in(sample)
        skip = self.down_blocks[0](x, temb)
        x = self.down_blocks[1](self.downsample(skip), temb)
        x = self.mid_block(x, temb)
        x = torch.cat([self.upsample(x), skip], dim=1)
        x = self.up_blocks[0](x, temb)
        return self.conv_out(x)


FACTS = []


def fact(name, family, state_dict):
    """Records what torch says about a fixture's parameters, for TorchFixturesTest: the state
    dict's names, its elements and its bytes, each storage and each view counted once."""
    views, storages, elements, nbytes = set(), {}, 0, 0
    for t in state_dict.values():
        s = t.storage()
        view = (s.data_ptr(), t.storage_offset(), tuple(t.shape), str(t.dtype))
        if view not in views:
            views.add(view)
            elements += t.numel()
        storages[s.data_ptr()] = s.nbytes() if hasattr(s, "nbytes") else s.size() * s.element_size()
    nbytes = sum(storages.values())
    FACTS.append((name, family, ",".join(state_dict.keys()), elements, nbytes))


def save_script(module, path, example=None):
    scripted = torch.jit.script(module) if example is None else torch.jit.trace(module, example)
    torch.jit.save(scripted, path)
    return scripted


# --- hand-made pickles -------------------------------------------------------------------------

def op_str(s):
    b = s.encode()
    return b"X" + len(b).to_bytes(4, "little") + b


def tensor_rebuild(key, numel, shape):
    """Opcodes of torch._utils._rebuild_tensor_v2 over a FloatStorage with key `key`."""
    stride, acc = [], 1
    for d in reversed(shape):
        stride.insert(0, acc)
        acc *= d
    ints = lambda xs: b"(" + b"".join(b"K" + bytes([x]) for x in xs) + b"t"
    return (b"ctorch._utils\n_rebuild_tensor_v2\n("
            + b"(" + op_str("storage") + b"ctorch\nFloatStorage\n" + op_str(key) + op_str("cpu")
            + b"K" + bytes([numel]) + b"tQ"
            + b"K\x00" + ints(shape) + ints(stride) + b"\x89"
            + b"ccollections\nOrderedDict\n)R"
            + b"tR")


def malicious_state_dict(path):
    """A torch.save zip checkpoint whose state dict hides posix.system('touch ...')."""
    pkl = (b"\x80\x02ccollections\nOrderedDict\n)R(" +
           op_str("conv.weight") + tensor_rebuild("0", 54, [2, 3, 3, 3]) +
           op_str("conv.bias") + tensor_rebuild("1", 2, [2]) +
           op_str("fc.weight") + tensor_rebuild("2", 20, [10, 2]) +
           op_str("_payload") + b"cposix\nsystem\n(" + op_str("touch " + PWNED) + b"tR" +
           b"u.")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/version", "3\n")
        for key, numel in (("0", 54), ("1", 2), ("2", 20)):
            z.writestr("archive/data/" + key, bytes(4 * numel))


def malicious_legacy(path):
    """A non-zip pickle whose first object calls os.system: torch.load runs it while looking for
    the magic number, then fails."""
    pkl = b"\x80\x02cos\nsystem\n(" + op_str("touch " + PWNED) + b"tR."
    with open(path, "wb") as f:
        f.write(pkl)


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    p = lambda name: os.path.join(target, name)

    resnet = tiny_resnet()
    save_script(resnet, p("resnet_scripted.pt"))
    save_script(resnet, p("resnet_traced.pt"), torch.randn(1, 3, 32, 32))
    torch.save(resnet.state_dict(), p("resnet_state_dict.pth"))
    for n in ("resnet_scripted.pt", "resnet_traced.pt", "resnet_state_dict.pth"):
        fact(n, "cnn", resnet.state_dict())

    rcnn = tiny_faster_rcnn()
    save_script(rcnn, p("faster_rcnn_scripted.pt"))
    torch.save(rcnn.state_dict(), p("faster_rcnn_state_dict.pth"))
    for n in ("faster_rcnn_scripted.pt", "faster_rcnn_state_dict.pth"):
        fact(n, "r-cnn", rcnn.state_dict())

    vit = tiny_vit()
    save_script(vit, p("vit_scripted.pt"))
    with torch.no_grad():
        save_script(vit, p("vit_traced.pt"), torch.randn(1, 3, 32, 32))
    torch.save(vit.state_dict(), p("vit_state_dict.pth"))
    for n in ("vit_scripted.pt", "vit_traced.pt", "vit_state_dict.pth"):
        fact(n, "vision-transformer", vit.state_dict())

    bert = BertStyleEncoder().eval()
    ids = torch.randint(0, 100, (1, 16))
    save_script(bert, p("bert_encoder_scripted.pt"))
    save_script(bert, p("bert_encoder_traced.pt"), (ids, torch.ones(1, 16, dtype=torch.long)))
    torch.save(bert.state_dict(), p("bert_encoder_state_dict.pth"))
    torch.save(bert.state_dict(), p("bert_encoder_legacy.bin"), _use_new_zipfile_serialization=False)
    for n in ("bert_encoder_scripted.pt", "bert_encoder_traced.pt", "bert_encoder_state_dict.pth",
              "bert_encoder_legacy.bin"):
        fact(n, "transformer-encoder", bert.state_dict())

    gpt = GptStyleDecoder().eval()
    save_script(gpt, p("gpt_decoder_scripted.pt"))
    save_script(gpt, p("gpt_decoder_traced.pt"), ids)
    torch.save(gpt.state_dict(), p("gpt_decoder_state_dict.pth"))
    for n in ("gpt_decoder_scripted.pt", "gpt_decoder_traced.pt", "gpt_decoder_state_dict.pth"):
        fact(n, "transformer-decoder", gpt.state_dict())

    lstm = LstmTagger().eval()
    save_script(lstm, p("lstm_scripted.pt"))
    save_script(lstm, p("lstm_traced.pt"), ids)
    torch.save(lstm.state_dict(), p("lstm_state_dict.pth"))
    torch.save(lstm, p("lstm_full_model.pt"))  # a pickled whole module: __main__ classes
    for n in ("lstm_scripted.pt", "lstm_traced.pt", "lstm_state_dict.pth", "lstm_full_model.pt"):
        fact(n, "lstm", lstm.state_dict())

    unet = TinyUNet().eval()
    t = torch.tensor([10])
    save_script(unet, p("unet_diffusion_scripted.pt"))
    save_script(unet, p("unet_diffusion_traced.pt"), (torch.randn(1, 3, 16, 16), t))
    torch.save(unet.state_dict(), p("unet_diffusion_state_dict.pth"))
    for n in ("unet_diffusion_scripted.pt", "unet_diffusion_traced.pt",
              "unet_diffusion_state_dict.pth"):
        fact(n, "diffusion", unet.state_dict())

    # a mobile (lite interpreter) archive: bytecode.pkl beside code/
    torch.jit.script(resnet)._save_for_lite_interpreter(p("resnet_mobile.ptl"))
    fact("resnet_mobile.ptl", "cnn", resnet.state_dict())

    # a training checkpoint: nested dicts, optimizer moments, scheduler, numbers
    opt = torch.optim.Adam(lstm.parameters(), lr=1e-3)
    lstm.train()
    loss = lstm(ids).sum()
    loss.backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10)
    torch.save({"epoch": 3, "global_step": 120, "model_state_dict": lstm.state_dict(),
                "optimizer_state_dict": opt.state_dict(), "scheduler": sched.state_dict(),
                "config": {"hidden": 32, "layers": 2}, "best_loss": 0.25},
               p("lstm_training_checkpoint.pt"))
    fact("lstm_training_checkpoint.pt", "lstm", lstm.state_dict())

    malicious_state_dict(p("malicious_state_dict.pt"))
    malicious_legacy(p("malicious_legacy.bin"))
    FACTS.append(("malicious_state_dict.pt", "cnn", "conv.weight,conv.bias,fc.weight", 76, 304))
    FACTS.append(("malicious_legacy.bin", "unknown", "", 0, 0))
    with open(os.path.join(target, "fixtures.tsv"), "w") as f:
        f.write("# written by generate.py: file, family, state-dict names, elements, bytes\n")
        for row in FACTS:
            f.write("\t".join(str(x) for x in row) + "\n")

    for name in sorted(os.listdir(target)):
        full = os.path.join(target, name)
        if name.endswith((".pt", ".pth", ".ptl", ".bin")):
            size = os.path.getsize(full)
            assert size < 1 << 20, name + " is over 1 MB"
            print(f"{name}\t{size}")


if __name__ == "__main__":
    main()
