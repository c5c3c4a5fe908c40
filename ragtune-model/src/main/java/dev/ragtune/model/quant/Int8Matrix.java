package dev.ragtune.model.quant;

/**
 * A [rows, cols] fp32 matrix stored as int8 with one fp32 scale per row: {@code W[r][c] ≈ scale[r] · q[r][c]},
 * {@code scale[r] = max|W[r]| / 127}, {@code q} rounded to nearest (symmetric, no zero point), as PyTorch's
 * per-channel dynamic quantization and CTranslate2 store linear weights. The rounding error of an element is at most
 * {@code scale[r] / 2}.
 */
public final class Int8Matrix {
    private final byte[] values;
    private final float[] scales;
    private final int rows;
    private final int cols;

    private Int8Matrix(byte[] values, float[] scales, int rows, int cols) {
        this.values = values;
        this.scales = scales;
        this.rows = rows;
        this.cols = cols;
    }

    /** Quantizes a row-major [rows, cols] matrix. */
    public static Int8Matrix quantize(float[] w, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || w.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix of " + w.length + " values is not [" + rows + ", " + cols + "]");
        }
        byte[] q = new byte[w.length];
        float[] s = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[base + c]));
            }
            if (!Float.isFinite(max)) {
                throw new IllegalArgumentException("row " + r + " holds a non-finite weight");
            }
            float scale = max / 127f;
            s[r] = scale;
            if (scale == 0) {
                continue;
            }
            float inv = 1f / scale;
            for (int c = 0; c < cols; c++) {
                q[base + c] = (byte) Math.max(-127, Math.min(127, Math.round(w[base + c] * inv)));
            }
        }
        return new Int8Matrix(q, s, rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes a product streams: the int8 values and the row scales. */
    public long bytes() {
        return values.length + 4L * scales.length;
    }

    /** {@code scale[r] · q[r][c]}. */
    public float get(int r, int c) {
        return scales[r] * values[r * cols + c];
    }

    byte[] values() {
        return values;
    }

    float[] scales() {
        return scales;
    }
}
