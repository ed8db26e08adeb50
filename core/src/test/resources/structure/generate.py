#!/usr/bin/python3
"""Writes the graph-structure fixtures of core/src/test/resources/structure/ (see README.md).

Run with Debian's python3-torch 1.13.1 (no onnx Python package is needed):

    /usr/bin/python3 core/src/test/resources/structure/generate.py

Each model is exported twice, to TorchScript (torch.jit.trace, saved .pt) and to ONNX
(torch.onnx.export, opset 14). The wrapper classes have neutral names on purpose: no word in them
(Seq2Seq, GPT, Bert ...) says the family, so the tests show that the structure decides. Seeds are
fixed; widths are small so every file stays well under 1 MB.
"""
import os
import sys

import torch
import torch.nn as nn

D_MODEL = 32
HEADS = 2
FFN = 64
VOCAB = 50
SRC_LEN = 10
TGT_LEN = 7


class Translator(nn.Module):
    """A full torch.nn.Transformer (2 encoder + 2 decoder layers) between two token embeddings:
    inputs src and tgt, a causal target mask, cross-attention on the encoder's output."""

    def __init__(self):
        super().__init__()
        self.src_embed = nn.Embedding(VOCAB, D_MODEL)
        self.tgt_embed = nn.Embedding(VOCAB, D_MODEL)
        self.core = nn.Transformer(d_model=D_MODEL, nhead=HEADS, num_encoder_layers=2,
                                   num_decoder_layers=2, dim_feedforward=FFN, dropout=0.0,
                                   batch_first=True)
        self.head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, src, tgt):
        n = tgt.size(1)
        mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
        y = self.core(self.src_embed(src), self.tgt_embed(tgt), tgt_mask=mask)
        return self.head(y)


class NextToken(nn.Module):
    """Decoder-only: a stack of self-attention layers (nn.TransformerEncoderLayer, as torch has no
    decoder-only stack) under a causal mask, one token input, an LM head."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FFN, dropout=0.0, batch_first=True)
        self.stack = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, tokens):
        n = tokens.size(1)
        mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
        return self.head(self.stack(self.embed(tokens), mask=mask))


class NextTokenByPositions(NextToken):
    """The same decoder-only stack, its causal mask made by comparing positions (a key position
    after the query position is masked) instead of torch.triu."""

    def forward(self, tokens):
        n = tokens.size(1)
        positions = torch.arange(n)
        future = positions[None, :] > positions[:, None]
        mask = torch.zeros(n, n).masked_fill(future, float("-inf"))
        return self.head(self.stack(self.embed(tokens), mask=mask))


class SentenceTagger(nn.Module):
    """Encoder-only: the same stack without a mask, one token input, a per-token head."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FFN, dropout=0.0, batch_first=True)
        self.stack = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(D_MODEL, 5)

    def forward(self, tokens):
        return self.head(self.stack(self.embed(tokens)))


def bare_transformer():
    """torch.nn.Transformer itself, called with float src [S, N, E] and tgt [T, N, E]."""
    return nn.Transformer(d_model=D_MODEL, nhead=HEADS, num_encoder_layers=2,
                          num_decoder_layers=2, dim_feedforward=FFN, dropout=0.0)


FACTS = []


def export(module, args, names, stem, target, family):
    # eval mode, but with autograd on: under torch.no_grad() torch 1.13 takes the fused
    # "fast path" (aten::_transformer_encoder_layer_fwd), which the ONNX exporter cannot write
    module.eval()
    # check_trace=False: the traced -inf mask constants compare unequal across runs
    traced = torch.jit.trace(module, args, check_trace=False)
    torch.jit.save(traced, os.path.join(target, stem + ".pt"))
    torch.onnx.export(module, args, os.path.join(target, stem + ".onnx"), opset_version=14,
                      input_names=names, output_names=["output"], do_constant_folding=True,
                      verbose=False)
    FACTS.append((stem + ".pt", family))
    FACTS.append((stem + ".onnx", family))


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    if not torch.__version__.startswith("1.13"):
        print("warning: written with torch 1.13.1, this is " + torch.__version__, file=sys.stderr)
    src = torch.randint(0, VOCAB, (1, SRC_LEN))
    tgt = torch.randint(0, VOCAB, (1, TGT_LEN))
    torch.manual_seed(0)
    export(Translator(), (src, tgt), ["src", "tgt"], "transformer_seq2seq", target,
           "transformer-encoder-decoder")
    torch.manual_seed(0)
    export(bare_transformer(), (torch.randn(SRC_LEN, 1, D_MODEL), torch.randn(TGT_LEN, 1, D_MODEL)),
           ["src", "tgt"], "transformer_bare", target, "transformer-encoder-decoder")
    torch.manual_seed(0)
    export(NextToken(), (src,), ["tokens"], "transformer_decoder_only", target,
           "transformer-decoder")
    torch.manual_seed(0)
    export(NextTokenByPositions(), (src,), ["tokens"], "transformer_decoder_positions", target,
           "transformer-decoder")
    torch.manual_seed(0)
    export(SentenceTagger(), (src,), ["tokens"], "transformer_encoder_only", target,
           "transformer-encoder")
    # torch.jit.script keeps the control flow: both the fused fast path and the unfused path of
    # every layer, and nn.functional's compiled functions
    for module, stem, family in ((Translator(), "transformer_seq2seq_scripted",
                                  "transformer-encoder-decoder"),
                                 (NextToken(), "transformer_decoder_only_scripted",
                                  "transformer-decoder")):
        torch.manual_seed(0)
        torch.jit.save(torch.jit.script(module.eval()), os.path.join(target, stem + ".pt"))
        FACTS.append((stem + ".pt", family))
    with open(os.path.join(target, "fixtures.tsv"), "w") as f:
        f.write("# written by generate.py: file, family the model was built as\n")
        for name, family in FACTS:
            f.write(name + "\t" + family + "\n")
    for f in sorted(os.listdir(target)):
        if f.endswith((".pt", ".onnx")):
            print(f, os.path.getsize(os.path.join(target, f)))


if __name__ == "__main__":
    main()
