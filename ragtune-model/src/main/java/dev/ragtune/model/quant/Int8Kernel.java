package dev.ragtune.model.quant;

/** One way to compute {@code y[i][r] = scale[r] · Σ_c q[r][c] · x[i][c]} for a range of rows. */
interface Int8Kernel {
    /**
     * Rows {@code [r0, r1)} of the product for {@code n} activation rows {@code x} [n, cols] into {@code y}
     * [n, rows] (row-major).
     */
    void multiply(Int8Matrix m, float[] x, int n, float[] y, int r0, int r1);

    /** What this kernel is, for benchmark reports. */
    String name();
}
