package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The scalar operands of RMS norm and gelu_new as tensors created once per model, for the inference paths (the
 * inference encoder and the incremental decoder), where DJL's {@code Number} overloads would create one per call.
 * Inference only: the training forward uses {@link T5Model#scalar} operands that autograd can keep alive.
 *
 * @param epsilon the RMS norm's variance epsilon
 * @param negativeHalf -0.5, the exponent of the RMS norm's inverse square root
 * @param geluCubic gelu_new's {@code 2·sqrt(2/π)·0.044715}, the factor of x³ in 2z
 * @param geluLinear gelu_new's {@code 2·sqrt(2/π)}, the factor of x in 2z
 */
record InferenceConstants(NDArray epsilon, NDArray negativeHalf, NDArray geluCubic, NDArray geluLinear) {

    /** The constants for {@code epsilon}, in {@code manager} (which owns and frees them). */
    static InferenceConstants create(NDManager manager, float epsilon) {
        float twoC = (float) (2 * Math.sqrt(2.0 / Math.PI));
        return new InferenceConstants(scalar(manager, epsilon), scalar(manager, -0.5f),
                scalar(manager, twoC * 0.044715f), scalar(manager, twoC));
    }

    private static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
