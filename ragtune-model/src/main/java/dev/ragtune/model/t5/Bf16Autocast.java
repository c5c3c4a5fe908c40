package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Autocast-style bf16 for the teacher-forced (training) forward, as PyTorch's CPU autocast: linear layers and
 * attention matmuls take bf16 inputs and weights and give bf16 outputs; softmax, log-softmax, RMS norm and the
 * residual stream stay fp32 (bf16 + fp32 promotes to fp32). Frozen base weights are cast once and cached; trainable
 * (LoRA) weights stay fp32 masters and are cast in every forward, so their gradients arrive in fp32.
 * Set on a model with {@link T5Model#useAutocast}; owns its casts and cached weights until {@link #close}.
 */
public final class Bf16Autocast implements AutoCloseable {
    private final Bf16Casts casts;
    private final NDManager cache;
    private final Map<NDArray, NDArray> frozen = new IdentityHashMap<>();

    public Bf16Autocast(NDManager parent) {
        this.cache = parent.newSubManager();
        this.casts = new Bf16Casts(cache);
    }

    /** An activation or trainable weight in bf16 (a differentiable cast; bf16 input returned as is). */
    public NDArray bf16(NDArray x) {
        return casts.toBf16(x);
    }

    /** Back to fp32 (a differentiable cast; fp32 input returned as is). */
    public NDArray fp32(NDArray x) {
        return casts.toFp32(x);
    }

    /** The bf16 copy of a frozen weight, cast on first use. */
    synchronized NDArray frozenWeight(NDArray weight) {
        return frozen.computeIfAbsent(weight, w -> {
            NDArray b = casts.toBf16(w);
            b.attach(cache);
            return b;
        });
    }

    @Override
    public synchronized void close() {
        frozen.clear();
        casts.close();
        cache.close();
    }
}
