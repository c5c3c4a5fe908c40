"""Training anchor: LoRA fine-tuning steps of transformers + PEFT on FLAN-T5 shapes with random weights, the work
`ragtune bench train` times (protocol: anchor_io.py).

Request: {"op": "train", "source": 256, "target": 32, "batch": 8, "steps": 3, "precision": "fp32" | "bf16"}
One warm-up step, then `steps` timed steps, each forward + loss, backward, clipping to norm 1.0 and AdamW (lr 2e-4),
as HF's Trainer does; LoRA r 8, alpha 16, dropout 0.05 on q,v. "bf16" runs forward and loss under
torch.autocast("cpu", bfloat16), which is what the Trainer's bf16=True does. Answers the median seconds per step,
examples/s, the process CPU seconds per step (all threads; on a crowded machine less distorted than wall time), the
first and last loss and the peak RSS of the request.
Usage: python train.py [--shape flan-t5-small] [--threads 2] [--seed 42]
"""
import argparse
import statistics
import time

import torch
from peft import LoraConfig, TaskType, get_peft_model
from transformers import T5ForConditionalGeneration

from anchor_io import peak_rss_mb, reset_peak_rss, serve
from t5_shapes import config, random_ids

PACKAGES = ("torch", "transformers", "peft")


class Train:
    def __init__(self, a):
        self.config = config(a.shape)
        self.seed = a.seed

    def handle(self, r):
        if r.get("op") != "train":
            raise ValueError(f"unknown op {r.get('op')!r}: train")
        source, target = int(r["source"]), int(r.get("target", 32))
        batch, steps = int(r.get("batch", 8)), int(r.get("steps", 3))
        precision = r.get("precision", "fp32")
        if precision not in ("fp32", "bf16"):
            raise ValueError(f"precision {precision!r}: fp32 or bf16")
        torch.manual_seed(self.seed)
        model = T5ForConditionalGeneration(self.config)
        model = get_peft_model(model, LoraConfig(task_type=TaskType.SEQ_2_SEQ_LM, r=8, lora_alpha=16,
                                                 lora_dropout=0.05, target_modules=["q", "v"]))
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=2e-4)
        g = torch.Generator().manual_seed(self.seed)
        reset_peak_rss()
        seconds, cpu, losses = [], [], []
        for step in range(steps + 1):
            ids = random_ids(g, batch, source)
            labels = random_ids(g, batch, target)
            t = time.perf_counter()
            c = time.process_time()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                loss = model(input_ids=ids, attention_mask=torch.ones_like(ids), labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            elapsed = time.perf_counter() - t
            cpu_s = time.process_time() - c
            losses.append(float(loss.detach()))
            if step > 0:
                seconds.append(elapsed)
                cpu.append(cpu_s)
        median = statistics.median(seconds)
        return {"seconds_per_step": median, "examples_per_s": batch / median, "steps": steps,
                "cpu_s_per_step": statistics.median(cpu),
                "loss_first": losses[0], "loss_last": losses[-1], "peak_rss_mb": peak_rss_mb(),
                "precision": precision, "source": source, "target": target, "batch": batch}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="flan-t5-small")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    serve(Train(a).handle, PACKAGES)


if __name__ == "__main__":
    main()
