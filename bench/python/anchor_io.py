"""The line protocol every anchor speaks with `ragtune bench ... --anchor PYTHON`.

The bench starts the anchor once (set-up outside the timed work), then sends one JSON request per line on stdin, each
the anchor's half of one interleaved round; the anchor answers each with exactly one JSON line on stdout: its numbers
and the versions of the stack that produced them, or {"error": "..."} when it cannot. Diagnostics go to stderr.
End of stdin ends the anchor. By hand: echo '{"op": "flat"}' | python retrieval.py --vectors ... --queries ...
"""
import json
import platform
import sys
import traceback
from importlib import metadata


def versions(*packages):
    """Python, the given distributions' versions, and the CPU kernels torch/faiss chose when they are loaded."""
    out = {"python": platform.python_version()}
    for p in packages:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = None
    torch = sys.modules.get("torch")
    if torch is not None:
        out["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
        out["torch_threads"] = torch.get_num_threads()
    faiss = sys.modules.get("faiss")
    if faiss is not None:
        out["faiss_simd"] = faiss.get_compile_options().strip()
    return out


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def reset_peak_rss():
    """Linux >= 4.0 resets VmHWM when 5 is written to clear_refs; elsewhere the peak stays process-wide."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def serve(handle, packages):
    """Answers each request line on stdin with handle(request) as one JSON line, versions added."""
    stdout = sys.stdout
    sys.stdout = sys.stderr  # a library's print must not break the protocol
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            reply = dict(handle(json.loads(line)))
            reply["versions"] = versions(*packages)
        except Exception as e:  # the bench prints the message; the trace goes to stderr
            traceback.print_exc(file=sys.stderr)
            reply = {"error": f"{type(e).__name__}: {e}"}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()

