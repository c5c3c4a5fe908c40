"""Clustered unit vectors for `ragtune bench retrieval`: python clustered_vectors.py N NQ SIGMA writes base.fvecs
(N vectors) and queries.fvecs (NQ), d = 384, from one mixture of 500 Gaussian clusters (center + SIGMA * N(0, I),
L2-normalized, numpy seed 17). Larger SIGMA = harder search (lower HNSW recall at a given ef)."""
import numpy as np, sys
n, nq, d, c = int(sys.argv[1]), int(sys.argv[2]), 384, 500
rng = np.random.default_rng(17)
centers = rng.standard_normal((c, d)).astype(np.float32)
def draw(m):
    x = centers[rng.integers(0, c, m)] + float(sys.argv[3]) * rng.standard_normal((m, d)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
def write(path, x):
    out = np.empty((x.shape[0], d + 1), dtype=np.float32); out[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]; out[:, 1:] = x
    out.tofile(path)
write("base.fvecs", draw(n)); write("queries.fvecs", draw(nq))
