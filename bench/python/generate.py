"""Generation anchor: greedy `generate` (KV cache) and encoder forward of transformers on FLAN-T5 shapes with random
weights, the work `ragtune bench generate` times (protocol: anchor_io.py).

Requests:
  {"op": "generate", "batch": 1, "source": 256, "new_tokens": 64, "repeats": 3, "warmup_seconds": 8}
  {"op": "encode", "batch": 8, "source": 256, "repeats": 3}
The first request of a shape warms up (untimed calls for at least warmup_seconds, at least one), then `repeats`
calls are timed; answers the median seconds per call (wall and process CPU, all threads) and new tokens/s (generate, exactly new_tokens per row,
encoder included) or source tokens/s (encode).
Usage: python generate.py [--shape flan-t5-small] [--threads 2] [--seed 1234]
"""
import argparse
import statistics
import time

import torch
from transformers import T5ForConditionalGeneration

from anchor_io import peak_rss_mb, serve
from t5_shapes import config, random_ids

PACKAGES = ("torch", "transformers")


class Generate:
    def __init__(self, a):
        torch.manual_seed(a.seed)
        self.model = T5ForConditionalGeneration(config(a.shape)).eval()
        self.generator = torch.Generator().manual_seed(a.seed)
        self.warm = set()
        self.cpu = None

    def _timed(self, key, call, repeats, warmup_seconds):
        if key not in self.warm:
            start = time.perf_counter()
            call()
            while time.perf_counter() - start < warmup_seconds:
                call()
            self.warm.add(key)
        seconds, cpu = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            c = time.process_time()
            out = call()
            seconds.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        self.cpu = statistics.median(cpu)
        return statistics.median(seconds), seconds, out

    def handle(self, r):
        op = r.get("op")
        batch, source, repeats = int(r["batch"]), int(r["source"]), int(r.get("repeats", 3))
        warmup = float(r.get("warmup_seconds", 8))
        ids = random_ids(self.generator, batch, source)
        mask = torch.ones_like(ids)
        with torch.inference_mode():
            if op == "generate":
                new = int(r["new_tokens"])
                median, seconds, out = self._timed(
                    (op, batch, source, new),
                    lambda: self.model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new,
                                                min_new_tokens=new, do_sample=False, num_beams=1), repeats, warmup)
                generated = out.shape[1] - 1  # the decoder start token leads every row
                if generated != new:
                    raise RuntimeError(f"generate made {generated} new tokens, asked for exactly {new}")
                return {"seconds_per_call": median, "seconds": seconds, "new_tokens_per_s": batch * new / median,
                        "cpu_s_per_call": self.cpu, "peak_rss_mb": peak_rss_mb()}
            if op == "encode":
                encoder = self.model.get_encoder()
                median, seconds, _ = self._timed((op, batch, source),
                                                 lambda: encoder(input_ids=ids, attention_mask=mask), repeats, 0)
                return {"seconds_per_call": median, "seconds": seconds, "tokens_per_s": batch * source / median,
                        "cpu_s_per_call": self.cpu, "peak_rss_mb": peak_rss_mb()}
        raise ValueError(f"unknown op {op!r}: generate or encode")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="flan-t5-small")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    serve(Generate(a).handle, PACKAGES)


if __name__ == "__main__":
    main()
