package dev.ragtune.rag.embed;

import java.nio.FloatBuffer;

/**
 * How a sentence-transformers model turns per-token vectors into one text vector (its {@code 1_Pooling} module).
 * Only positions whose attention mask is non-zero take part, so padding added for batching never changes a result.
 */
public enum Pooling {
    /** Average of the token vectors (all-MiniLM-L6-v2 and most sentence-transformers models). */
    MEAN,
    /** The first token's vector ({@code [CLS]} / {@code <s>}). */
    CLS,
    /** Element-wise maximum over the token vectors. */
    MAX;

    /**
     * Pools one row of a {@code [batch, seqLen, dim]} row-major tensor.
     *
     * @param hidden the whole output tensor
     * @param row    which text of the batch
     * @param mask   the batch's attention mask, {@code [batch, seqLen]} row-major
     */
    float[] pool(FloatBuffer hidden, int row, int seqLen, int dim, long[] mask) {
        float[] out = new float[dim];
        int rowBase = row * seqLen;
        switch (this) {
            case CLS -> hidden.get(rowBase * dim, out);
            case MEAN -> {
                double[] sum = new double[dim];
                int count = 0;
                for (int t = 0; t < seqLen; t++) {
                    if (mask[rowBase + t] == 0) {
                        continue;
                    }
                    count++;
                    int base = (rowBase + t) * dim;
                    for (int d = 0; d < dim; d++) {
                        sum[d] += hidden.get(base + d);
                    }
                }
                for (int d = 0; d < dim; d++) {
                    out[d] = (float) (sum[d] / Math.max(count, 1));
                }
            }
            case MAX -> {
                java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
                for (int t = 0; t < seqLen; t++) {
                    if (mask[rowBase + t] == 0) {
                        continue;
                    }
                    int base = (rowBase + t) * dim;
                    for (int d = 0; d < dim; d++) {
                        out[d] = Math.max(out[d], hidden.get(base + d));
                    }
                }
            }
        }
        return out;
    }

    /** Scales {@code v} in place to unit L2 norm (left as is when its norm is below 1e-12, like PyTorch's F.normalize). */
    static float[] normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        double norm = Math.max(Math.sqrt(sq), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }
}
