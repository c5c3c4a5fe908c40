"""Prints the anchor stack's versions as one JSON line (setup.sh runs it to show what it installed)."""
import json

from anchor_io import versions

print(json.dumps(versions("torch", "transformers", "peft", "faiss-cpu", "sentence-transformers", "numpy", "onnx")))
