"""Writes the two TorchScript cast modules the bf16 trainer loads (DJL 0.36's NDArray.toType(BFLOAT16) aborts the JVM).

Usage: bench/python/.venv/bin/python ragtune-model/src/main/torchscript/make_casts.py
Writes ragtune-model/src/main/resources/dev/ragtune/model/t5/{to_bf16,to_fp32}.pt. Each module's forward is one
differentiable `x.to(dtype)`; the files hold no weights. DJL bundles libtorch 2.7.1: CastModuleTest loads both files.
"""
import pathlib

import torch


class ToBf16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


class ToFp32(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32)


def main() -> None:
    out = pathlib.Path(__file__).resolve().parents[1] / "resources" / "dev" / "ragtune" / "model" / "t5"
    out.mkdir(parents=True, exist_ok=True)
    for name, module in (("to_bf16.pt", ToBf16()), ("to_fp32.pt", ToFp32())):
        torch.jit.save(torch.jit.script(module.eval()), str(out / name))
        print("wrote", out / name)


if __name__ == "__main__":
    main()
