package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;

/**
 * An additive change to a {@link Linear} layer's output, e.g. LoRA's {@code scaling · B(A x)}.
 * The returned array must have the layer's output shape and live in {@code x}'s manager.
 */
@FunctionalInterface
public interface LinearAdapter {
    NDArray delta(NDArray x);
}
