package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Key/value cache of one generation request: per decoder layer the self-attention keys/values of the tokens
 * decoded so far (full-length buffers written in place, one position per step) and the cross-attention
 * keys/values of the encoder output (computed ONCE). Sharp edge: the self-attention buffers are sized for
 * {@code maxLength} positions up front (memory N·H·dk·maxLength·8 bytes per layer), not grown.
 *
 * <p>All arrays live in the request's manager ({@link #manager()}); closing that manager frees them. Not
 * thread-safe: one cache per request.
 */
public final class DecoderCache {
    /**
     * Per layer [N, H, dk, maxLength] (keys stored transposed for q·kᵀ) and [N, H, maxLength, dk], allocated at the
     * start with zeros; step t writes position t in place and attends over all positions, the later ones masked.
     */
    final NDArray[] selfKeys;
    final NDArray[] selfValues;
    /** Per layer [N, H, dk, S]. */
    final NDArray[] crossKeys;
    final NDArray[] crossValues;
    final NDArray crossMask;
    final NDArray selfBias;
    final int maxLength;
    /** The concatenated decoder weights this request decodes with, or null for the plain per-linear path. */
    final FusedDecoderWeights fused;
    private final NDManager manager;
    /** The Java-side state when this request decodes with int8 weights, else null. */
    Int8Decoder.State int8;
    int length;

    /** A cache for {@code rows} rows with zeroed self-attention buffers of {@code maxLength} positions per layer. */
    DecoderCache(NDManager manager, T5Config config, long rows, NDArray crossMask, NDArray selfBias, int maxLength,
                 FusedDecoderWeights fused) {
        int layers = config.numDecoderLayers();
        this.fused = fused;
        this.manager = manager;
        this.selfKeys = new NDArray[layers];
        this.selfValues = new NDArray[layers];
        for (int i = 0; i < layers; i++) {
            selfKeys[i] = manager.zeros(new Shape(rows, config.numHeads(), config.dKv(), maxLength));
            selfValues[i] = manager.zeros(new Shape(rows, config.numHeads(), maxLength, config.dKv()));
        }
        this.crossKeys = new NDArray[layers];
        this.crossValues = new NDArray[layers];
        this.crossMask = crossMask;
        this.selfBias = selfBias;
        this.maxLength = maxLength;
    }

    /** Number of decoder positions already cached. */
    public int length() {
        return length;
    }

    /** Maximum number of decoder positions (start token included) this cache was sized for. */
    public int maxLength() {
        return maxLength;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Reorders the self-attention cache rows (beam search): row {@code i} becomes old row {@code rows[i]}.
     * Cross-attention rows are left alone: callers only permute rows within one source's beam group, whose
     * encoder states are identical.
     */
    public void reorder(NDArray rows) {
        if (int8 != null) {
            int8.reorder(rows.toLongArray());
            return;
        }
        for (int i = 0; i < selfKeys.length; i++) {
            NDArray k = selfKeys[i].get(manager, new NDIndex("{}", rows));
            NDArray v = selfValues[i].get(manager, new NDIndex("{}", rows));
            selfKeys[i].close();
            selfValues[i].close();
            selfKeys[i] = k;
            selfValues[i] = v;
        }
    }
}
