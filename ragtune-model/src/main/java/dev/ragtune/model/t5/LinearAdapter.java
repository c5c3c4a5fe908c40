package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;

/**
 * An additive change to a {@link Linear} layer's output, e.g. LoRA's {@code scaling · B(A x)}.
 * The returned array must have the layer's output shape and live in {@code x}'s manager.
 */
@FunctionalInterface
public interface LinearAdapter {
    NDArray delta(NDArray x);

    /**
     * The delta under autocast ({@code x} is bf16): by default computed in fp32 and returned in bf16; adapters that
     * can run their matmuls in bf16 override this.
     */
    default NDArray delta(NDArray x, Bf16Autocast autocast) {
        return autocast.bf16(delta(autocast.fp32(x)));
    }
}
