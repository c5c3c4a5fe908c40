package dev.ragtune.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-row int8 quantization and the products against a double-precision reference on the dequantized weights. */
class Int8MatrixTest {
    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    @Test
    void eachWeightIsWithinHalfAStepOfItsRowScaleAndTheRowMaxIsExact() {
        SplittableRandom r = new SplittableRandom(1);
        int rows = 7;
        int cols = 45;
        float[] w = random(r, rows * cols, 0.3);
        w[3 * cols + 5] = -2.5f; // row 3's max magnitude
        java.util.Arrays.fill(w, 5 * cols, 6 * cols, 0f); // an all-zero row
        Int8Matrix m = Int8Matrix.quantize(w, rows, cols);
        for (int i = 0; i < rows; i++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[i * cols + c]));
            }
            float step = max / 127f;
            for (int c = 0; c < cols; c++) {
                assertThat((double) Math.abs(m.get(i, c) - w[i * cols + c])).isLessThanOrEqualTo(step / 2 + 1e-7);
            }
        }
        assertThat(m.get(3, 5)).isEqualTo(-2.5f);
        assertThat(m.get(5, 0)).isZero();
        assertThat(m.bytes()).isEqualTo(rows * cols + 4L * rows);
        assertThatThrownBy(() -> Int8Matrix.quantize(new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKernelMultipliesLikeTheDequantizedMatrixInDouble() {
        SplittableRandom r = new SplittableRandom(2);
        // cols not a multiple of any vector width, rows enough to be split over threads
        int rows = 1031;
        int cols = 517;
        int n = 3;
        Int8Matrix m = Int8Matrix.quantize(random(r, rows * cols, 0.1), rows, cols);
        float[] x = random(r, n * cols, 1.0);
        double[] expected = new double[n * rows];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < rows; o++) {
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += (double) m.get(o, c) * x[i * cols + c];
                }
                expected[i * rows + o] = s;
            }
        }
        for (Int8Gemm gemm : new Int8Gemm[] {Int8Gemm.create(1), Int8Gemm.create(2), Int8Gemm.scalar(2)}) {
            try (gemm) {
                float[] y = new float[n * rows];
                gemm.multiply(m, x, n, y);
                for (int k = 0; k < y.length; k++) {
                    assertThat((double) y[k]).as(gemm.describe() + " at " + k).isCloseTo(expected[k],
                            org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void theVectorKernelIsUsedWhenTheJvmHasTheVectorModule() {
        try (Int8Gemm g = Int8Gemm.create(1)) {
            assertThat(g.describe()).startsWith(Int8Gemm.vectorApiAvailable() ? "Java Vector API" : "scalar Java");
        }
    }
}
