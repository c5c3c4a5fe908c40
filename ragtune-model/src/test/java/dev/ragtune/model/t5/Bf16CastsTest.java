package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** The TorchScript casts load on DJL's libtorch, round to nearest even, and pass gradients through. */
class Bf16CastsTest {
    @Test
    void bf16RepresentableValuesRoundTripExactlyAndOthersRoundToNearestEven() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Bf16Casts casts = new Bf16Casts(m)) {
            float[] in = {
                1.0f, -2.5f, 0.0f, 3.140625f,            // representable in 8 mantissa bits: unchanged
                1.0f + 0x1p-8f,                          // half-way between 1 and 1+2^-7, 1 is even: down to 1
                1.0f + 3 * 0x1p-8f,                      // half-way between 1+2^-7 (odd) and 1+2^-6 (even): up
                1.0f + 0x1p-8f + 0x1p-20f,               // just above half-way: up to 1+2^-7
                Float.intBitsToFloat(0x3f80_7fff)        // just below half-way: down to 1
            };
            float[] expected = {1.0f, -2.5f, 0.0f, 3.140625f, 1.0f, 1.0f + 0x1p-6f, 1.0f + 0x1p-7f, 1.0f};
            NDArray bf = casts.toBf16(m.create(in));
            assertThat(bf.getDataType()).isNotEqualTo(DataType.FLOAT32); // DJL names bf16 UNKNOWN
            NDArray back = casts.toFp32(bf);
            assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(back.toFloatArray()).containsExactly(expected);
        }
    }

    @Test
    void gradientsFlowThroughBothCastsAsFp32() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Bf16Casts casts = new Bf16Casts(m)) {
            NDArray w = m.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = casts.toFp32(casts.toBf16(w).mul(casts.toBf16(m.create(new float[] {4f, 5f, 6f}))));
                gc.backward(y.sum());
            }
            assertThat(w.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(w.getGradient().toFloatArray()).containsExactly(4f, 5f, 6f);
        }
    }
}
