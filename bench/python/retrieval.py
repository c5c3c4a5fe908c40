"""Retrieval anchor: faiss-cpu on the same .fvecs vectors `ragtune bench retrieval` searches (protocol: anchor_io.py).

Requests (one JSON line each):
  {"op": "build", "index": "flat"}                            IndexFlatIP
  {"op": "build", "index": "ivf", "nlist": 1024}              IndexIVFFlat (FAISS's own k-means training), inner product
  {"op": "build", "index": "hnsw", "M": 32, "efConstruction": 200}   IndexHNSWFlat, inner product
  {"op": "search", "index": ..., same build keys, "nprobe": 16 | "ef": 64}
A build answers its seconds (on --threads threads, FAISS's default for add/train); a search answers recall@k against
IndexFlatIP, p50/p99 latency and p50 thread-CPU time of one query per call on one thread, and the QPS of one batch call
over all queries on 1 thread and on --threads threads (best of 3 calls each).
Usage: python retrieval.py --vectors BASE.fvecs --queries Q.fvecs [--n 50000] [--nq 1000] [--k 10] [--threads 2]
"""
import argparse
import time

import numpy as np
import faiss

from anchor_io import serve

PACKAGES = ("faiss-cpu", "numpy")


def read_fvecs(path, limit):
    raw = np.fromfile(path, dtype="<i4")
    if raw.size == 0:
        raise SystemExit(f"{path} is empty, not an .fvecs file")
    d = int(raw[0])
    if d <= 0 or raw.size % (d + 1):
        raise SystemExit(f"{path} is not an .fvecs file (dimension {d}, {raw.size * 4} bytes)")
    rows = raw.reshape(-1, d + 1)
    if limit > 0:
        rows = rows[:limit]
    return np.ascontiguousarray(rows[:, 1:]).view("<f4").astype(np.float32)


class Retrieval:
    def __init__(self, a):
        self.base = read_fvecs(a.vectors, a.n)
        self.queries = read_fvecs(a.queries, a.nq)
        self.k = a.k
        self.threads = a.threads
        self.indexes = {}
        truth = faiss.IndexFlatIP(self.base.shape[1])
        truth.add(self.base)
        self.truth = truth.search(self.queries, self.k)[1]

    def key(self, r):
        kind = r["index"]
        if kind == "flat":
            return ("flat",)
        if kind == "ivf":
            return ("ivf", int(r["nlist"]))
        if kind == "hnsw":
            return ("hnsw", int(r["M"]), int(r["efConstruction"]))
        raise ValueError(f"unknown index {kind!r}: flat, ivf or hnsw")

    def build(self, key):
        d = self.base.shape[1]
        faiss.omp_set_num_threads(self.threads)
        t = time.perf_counter()
        if key[0] == "flat":
            index = faiss.IndexFlatIP(d)
        elif key[0] == "ivf":
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, key[1], faiss.METRIC_INNER_PRODUCT)
            index.train(self.base)
        else:
            index = faiss.IndexHNSWFlat(d, key[1], faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = key[2]
        index.add(self.base)
        seconds = time.perf_counter() - t
        self.indexes[key] = index
        return {"build_s": seconds, "n": int(self.base.shape[0]), "build_threads": self.threads}

    def search(self, r):
        key = self.key(r)
        if key not in self.indexes:
            self.build(key)
        index = self.indexes[key]
        if key[0] == "ivf":
            index.nprobe = int(r["nprobe"])
        elif key[0] == "hnsw":
            index.hnsw.efSearch = int(r["ef"])
        q, k = self.queries, self.k
        faiss.omp_set_num_threads(1)
        for i in range(min(200, len(q))):
            index.search(q[i:i + 1], k)
        lat = np.empty(len(q))
        cpu = np.empty(len(q))
        found = np.empty((len(q), k), dtype=np.int64)
        for i in range(len(q)):
            c = time.thread_time()
            t = time.perf_counter()
            found[i] = index.search(q[i:i + 1], k)[1][0]
            lat[i] = time.perf_counter() - t
            cpu[i] = time.thread_time() - c
        hits = sum(len(set(found[i]) & set(self.truth[i])) for i in range(len(q)))
        out = {"recall": hits / (k * len(q)), "p50_ms": float(np.percentile(lat, 50) * 1e3),
               "p99_ms": float(np.percentile(lat, 99) * 1e3), "p50_thread_cpu_ms": float(np.percentile(cpu, 50) * 1e3),
               "nq": len(q), "k": k}
        for threads in sorted({1, self.threads}):
            faiss.omp_set_num_threads(threads)
            best = min(self._timed_batch(index) for _ in range(3))
            out[f"batch_qps_{threads}t"] = len(q) / best
        return out

    def _timed_batch(self, index):
        t = time.perf_counter()
        index.search(self.queries, self.k)
        return time.perf_counter() - t

    def handle(self, r):
        op = r.get("op")
        if op == "build":
            return self.build(self.key(r))
        if op == "search":
            return self.search(r)
        raise ValueError(f"unknown op {op!r}: build or search")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--nq", type=int, default=1000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    serve(Retrieval(a).handle, PACKAGES)


if __name__ == "__main__":
    main()
