package dev.ragtune.model.quant;

/** Plain Java: four independent accumulators per dot product (the JIT keeps them in registers). */
final class ScalarKernel implements Int8Kernel {
    @Override
    public void multiply(Int8Matrix m, float[] x, int n, float[] y, int r0, int r1) {
        byte[] q = m.values();
        float[] scales = m.scales();
        int cols = m.cols();
        int rows = m.rows();
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            for (int i = 0; i < n; i++) {
                int xo = i * cols;
                float a0 = 0;
                float a1 = 0;
                float a2 = 0;
                float a3 = 0;
                int c = 0;
                for (; c + 3 < cols; c += 4) {
                    a0 += q[base + c] * x[xo + c];
                    a1 += q[base + c + 1] * x[xo + c + 1];
                    a2 += q[base + c + 2] * x[xo + c + 2];
                    a3 += q[base + c + 3] * x[xo + c + 3];
                }
                for (; c < cols; c++) {
                    a0 += q[base + c] * x[xo + c];
                }
                y[i * rows + r] = ((a0 + a1) + (a2 + a3)) * scales[r];
            }
        }
    }

    @Override
    public String name() {
        return "scalar Java";
    }
}
