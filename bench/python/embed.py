"""Embedding anchor: sentence-transformers (all-MiniLM-L6-v2 on torch) on the same texts `ragtune bench embed`
embeds (protocol: anchor_io.py).

The model's torch weights are rebuilt from the ONNX export ragtune ships (the hub is not needed): every named ONNX
initializer is a BERT state-dict entry, and each anonymous MatMul weight is the transposed weight of the Linear whose
named bias the following Add adds. Then SentenceTransformer(Transformer(max 256 tokens) -> mean pooling -> normalize).
Request: {"op": "embed", "out": "VECTORS.fvecs"}: the first request encodes the warm-up texts once; every request
times one encode() of the timed texts (wall and process CPU seconds) and writes their vectors (L2-normalized, .fvecs) so the bench can compare them.
Usage: python embed.py --onnx MODEL.onnx --tokenizer tokenizer.json --texts TEXTS.jsonl --timed N
       [--batch-size 16] [--max-tokens 256] [--threads 2]
"""
import argparse
import json
import os
import shutil
import tempfile
import time

import numpy as np
import torch
import onnx
from onnx import numpy_helper
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizerFast

from anchor_io import serve

PACKAGES = ("torch", "transformers", "sentence-transformers", "onnx")


def bert_state_dict(onnx_path):
    graph = onnx.load(onnx_path).graph
    weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    state = {name: torch.from_numpy(w.copy()) for name, w in weights.items()
             if not name.startswith("onnx::") and name != "embeddings.position_ids"}
    adds = {}
    for node in graph.node:
        if node.op_type == "Add":
            for i in node.input:
                adds.setdefault(i, []).append(node)
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        anonymous = [i for i in node.input if i.startswith("onnx::") and i in weights]
        if not anonymous:
            continue
        biases = [i for add in adds.get(node.output[0], []) for i in add.input if i.endswith(".bias")]
        if len(biases) != 1:
            raise ValueError(f"{onnx_path}: MatMul {node.name} is not followed by one named bias Add")
        state[biases[0][:-len(".bias")] + ".weight"] = torch.from_numpy(weights[anonymous[0]].T.copy())
    return state


def sentence_transformer(onnx_path, tokenizer_json, max_tokens):
    state = bert_state_dict(onnx_path)
    hidden = state["embeddings.word_embeddings.weight"].shape[1]
    layers = 1 + max(int(k.split(".")[2]) for k in state if k.startswith("encoder.layer."))
    config = BertConfig(vocab_size=state["embeddings.word_embeddings.weight"].shape[0], hidden_size=hidden,
                        num_hidden_layers=layers, num_attention_heads=hidden // 32,
                        intermediate_size=state["encoder.layer.0.intermediate.dense.weight"].shape[0],
                        max_position_embeddings=state["embeddings.position_embeddings.weight"].shape[0])
    bert = BertModel(config, add_pooling_layer=False)
    missing, unexpected = bert.load_state_dict(state, strict=False)
    missing = [k for k in missing if "position_ids" not in k]
    if missing or unexpected:
        raise ValueError(f"{onnx_path} does not map onto BERT: missing {missing}, unexpected {unexpected}")
    folder = tempfile.mkdtemp(prefix="ragtune-st-")
    try:
        bert.save_pretrained(folder)
        BertTokenizerFast(tokenizer_file=tokenizer_json, do_lower_case=True).save_pretrained(folder)
        transformer = models.Transformer(folder, max_seq_length=max_tokens)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    pooling = models.Pooling(hidden, pooling_mode="mean")
    return SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")


def write_fvecs(path, vectors):
    vectors = np.asarray(vectors, dtype="<f4")
    rows = np.empty((vectors.shape[0], vectors.shape[1] + 1), dtype="<f4")
    rows[:, 0] = np.array([vectors.shape[1]], dtype="<i4").view("<f4")[0]
    rows[:, 1:] = vectors
    tmp = path + ".tmp"
    rows.tofile(tmp)
    os.replace(tmp, path)


class Embed:
    def __init__(self, a):
        with open(a.texts, encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f if line.strip()]
        if len(texts) < a.timed:
            raise SystemExit(f"{a.texts} has {len(texts)} texts, fewer than --timed {a.timed}")
        self.timed, self.warm = texts[:a.timed], texts[a.timed:]
        self.batch = a.batch_size
        self.model = sentence_transformer(a.onnx, a.tokenizer, a.max_tokens)
        self.warmed = False

    def handle(self, r):
        if r.get("op") != "embed":
            raise ValueError(f"unknown op {r.get('op')!r}: embed")
        if not self.warmed:
            self.model.encode(self.warm or self.timed[:64], batch_size=self.batch)
            self.warmed = True
        t = time.perf_counter()
        c = time.process_time()
        vectors = self.model.encode(self.timed, batch_size=self.batch, normalize_embeddings=True)
        seconds = time.perf_counter() - t
        cpu = time.process_time() - c
        if r.get("out"):
            write_fvecs(r["out"], vectors)
        return {"seconds": seconds, "cpu_s": cpu, "texts_per_s": len(self.timed) / seconds, "texts": len(self.timed),
                "batch_size": self.batch, "max_tokens": self.model.max_seq_length}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--texts", required=True)
    ap.add_argument("--timed", type=int, required=True)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    serve(Embed(a).handle, PACKAGES)


if __name__ == "__main__":
    main()
