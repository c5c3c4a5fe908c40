package dev.ragtune.rag.index;

/**
 * {@link BlockKernel} in plain Java for Java 17 (or no {@code jdk.incubator.vector}): four queries per pass over a row,
 * an element-wise loop over the block's vectors that C2 auto-vectorizes (one row load for four accumulators).
 */
final class ScalarBlockKernel implements BlockKernel {
    @Override
    public void floats(float[][] rows, int dimension, int lanes, float[] qt, float[][] acc) {
        for (int g = 0; g < QUERIES; g += 4) {
            float[] a0 = acc[g], a1 = acc[g + 1], a2 = acc[g + 2], a3 = acc[g + 3];
            java.util.Arrays.fill(a0, 0, lanes, 0f);
            java.util.Arrays.fill(a1, 0, lanes, 0f);
            java.util.Arrays.fill(a2, 0, lanes, 0f);
            java.util.Arrays.fill(a3, 0, lanes, 0f);
            for (int j = 0; j < dimension; j++) {
                int o = j * QUERIES + g;
                float q0 = qt[o], q1 = qt[o + 1], q2 = qt[o + 2], q3 = qt[o + 3];
                float[] r = rows[j];
                for (int v = 0; v < lanes; v++) {
                    float x = r[v];
                    a0[v] += q0 * x;
                    a1[v] += q1 * x;
                    a2[v] += q2 * x;
                    a3[v] += q3 * x;
                }
            }
        }
    }

    @Override
    public void int8(byte[] codes, int stride, int dimension, int lanes, float[] scales, int scaleBase, float[] qt,
                     float[][] acc) {
        for (int g = 0; g < QUERIES; g += 4) {
            float[] a0 = acc[g], a1 = acc[g + 1], a2 = acc[g + 2], a3 = acc[g + 3];
            java.util.Arrays.fill(a0, 0, lanes, 0f);
            java.util.Arrays.fill(a1, 0, lanes, 0f);
            java.util.Arrays.fill(a2, 0, lanes, 0f);
            java.util.Arrays.fill(a3, 0, lanes, 0f);
            for (int j = 0; j < dimension; j++) {
                int o = j * QUERIES + g;
                float q0 = qt[o], q1 = qt[o + 1], q2 = qt[o + 2], q3 = qt[o + 3];
                int base = j * stride;
                for (int v = 0; v < lanes; v++) {
                    float x = codes[base + v];
                    a0[v] += q0 * x;
                    a1[v] += q1 * x;
                    a2[v] += q2 * x;
                    a3[v] += q3 * x;
                }
            }
            for (int v = 0; v < lanes; v++) {
                float s = scales[scaleBase + v];
                a0[v] *= s;
                a1[v] *= s;
                a2[v] *= s;
                a3[v] *= s;
            }
        }
    }

    @Override
    public String name() {
        return "plain Java, 4 queries per pass";
    }
}
