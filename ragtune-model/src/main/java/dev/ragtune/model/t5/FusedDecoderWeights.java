package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Decoder weights concatenated for incremental decoding, where every op costs a JNI call and every matmul an
 * OpenMP fork/join: per layer the self-attention {@code q|k|v} weights as one {@code [3·inner, d]} matrix, the
 * gated feed-forward {@code wi_0|wi_1} as one {@code [2·d_ff, d]}, the cross-attention {@code q} (these three with
 * the preceding RMS norm's weight folded into their columns), all layers' cross-attention {@code k|v} as one
 * {@code [L·2·inner, d]} (one GEMM per request instead of 2·L).
 *
 * <p>Sharp edges: these are COPIES of the {@link Linear} weights (≈ 71 MB more for flan-t5-small), built lazily
 * on the first decode and rebuilt when any source weight is replaced ({@link Linear#replaceWeight}, e.g. a LoRA
 * merge), detected by identity. Adapters are not part of them: callers must take the unfused path for a layer
 * whose q/k/v (or wi_0/wi_1, or any cross k/v) carries a {@link LinearAdapter}. Inference only (never used under
 * a GradientCollector).
 */
final class FusedDecoderWeights implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] sources;
    /** Per layer {@code [3·inner, d]}, columns scaled by the self-attention norm weight. */
    final NDArray[] selfQkv;
    /** Per layer {@code [inner, d]}, columns scaled by the cross-attention norm weight. */
    final NDArray[] crossQ;
    /** Per layer {@code [2·d_ff, d]}, columns scaled by the feed-forward norm weight; null when not gated. */
    final NDArray[] gatedWi;
    final NDArray crossKv;

    private FusedDecoderWeights(NDManager manager, NDArray[] sources, NDArray[] selfQkv, NDArray[] crossQ,
                                NDArray[] gatedWi, NDArray crossKv) {
        this.manager = manager;
        this.sources = sources;
        this.selfQkv = selfQkv;
        this.crossQ = crossQ;
        this.gatedWi = gatedWi;
        this.crossKv = crossKv;
    }

    /** Concatenates the blocks' current weights in a child manager of {@code parent}. */
    static FusedDecoderWeights build(NDManager parent, T5Model.Block[] blocks) {
        NDManager manager = parent.newSubManager();
        try {
            NDArray[] sources = sourcesOf(blocks);
            NDArray[] qkv = new NDArray[blocks.length];
            NDArray[] cq = new NDArray[blocks.length];
            NDArray[] wi = new NDArray[blocks.length];
            NDList crossParts = new NDList();
            for (int i = 0; i < blocks.length; i++) {
                T5Model.Block b = blocks[i];
                qkv[i] = scaledColumns(manager, b.selfNorm(), b.q().weight(), b.k().weight(), b.v().weight());
                cq[i] = scaledColumns(manager, b.crossNorm(), b.cq().weight());
                wi[i] = b.wi1() == null ? null
                        : scaledColumns(manager, b.ffNorm(), b.wi0().weight(), b.wi1().weight());
                crossParts.add(b.ck().weight());
                crossParts.add(b.cv().weight());
            }
            NDArray crossKv = crossParts.size() == 0 ? null : concatRows(manager, crossParts);
            return new FusedDecoderWeights(manager, sources, qkv, cq, wi, crossKv);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The rows of {@code parts} stacked, each column j multiplied by {@code normWeight[j]}: {@code (x ⊙ w) Wᵀ} becomes
     * {@code x (W ⊙ w)ᵀ}, one op fewer per norm and step (equal up to float rounding).
     */
    private static NDArray scaledColumns(NDManager manager, NDArray normWeight, NDArray... parts) {
        NDArray rows = parts.length == 1 ? parts[0] : NDArrays.concat(new NDList(parts), 0);
        NDArray out = rows.mul(normWeight);
        out.attach(manager);
        if (rows != parts[0]) {
            rows.close();
        }
        return out;
    }

    /** Row concatenation, moved into {@code manager} (it is created in the first part's manager). */
    private static NDArray concatRows(NDManager manager, NDList parts) {
        NDArray out = NDArrays.concat(parts, 0);
        out.attach(manager);
        return out;
    }

    /** True while every source weight is still the one these copies were made from. */
    boolean isCurrent(T5Model.Block[] blocks) {
        NDArray[] now = sourcesOf(blocks);
        if (now.length != sources.length) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (now[i] != sources[i]) {
                return false;
            }
        }
        return true;
    }

    private static NDArray[] sourcesOf(T5Model.Block[] blocks) {
        NDArray[] out = new NDArray[blocks.length * 8];
        int j = 0;
        for (T5Model.Block b : blocks) {
            out[j++] = b.cq().weight();
            out[j++] = b.q().weight();
            out[j++] = b.k().weight();
            out[j++] = b.v().weight();
            out[j++] = b.wi0().weight();
            out[j++] = b.wi1() == null ? null : b.wi1().weight();
            out[j++] = b.ck().weight();
            out[j++] = b.cv().weight();
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
