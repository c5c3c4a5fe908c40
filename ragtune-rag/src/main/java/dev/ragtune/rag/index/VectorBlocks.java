package dev.ragtune.rag.index;

import java.util.Arrays;

/**
 * Growable storage of float vectors in blocks of {@code blockSize} vectors laid out dimension-major inside each block
 * ({@code block[j][v]} is component j of the block's v-th vector; one small array per dimension).
 *
 * <p>Why: scoring a block against a query is then {@code acc[v] += q[j] * block[j][v]}, an element-wise loop that
 * HotSpot C2 auto-vectorizes on Java 17, unlike a per-vector dot-product reduction. Both arrays use the same index
 * {@code v}: with a flat {@code block[j*B + v]} C2 (up to at least JDK 25) cannot rule out that {@code acc} and the
 * block are one array at different offsets, and falls back to scalar code (measured: 4.5 vs 25 GFLOP/s). Each vector's sum is
 * accumulated in float with every product rounded at most {@code dimension} times, so its error obeys the textbook
 * bound used by {@link ExactRescorer}. Not thread-safe for writes; callers guard it.
 */
final class VectorBlocks extends ScanStore {
    private float[][][] blocks = new float[0][][];

    VectorBlocks(int dimension, int blockSize) {
        super(dimension, blockSize);
    }

    @Override
    double store(int slot, float[] vector) {
        int block = slot / blockSize;
        int lane = slot % blockSize;
        if (block == blocks.length) {
            blocks = Arrays.copyOf(blocks, Math.max(4, blocks.length * 2));
        }
        if (blocks[block] == null) {
            blocks[block] = new float[dimension][blockSize];
        }
        float[][] b = blocks[block];
        for (int j = 0; j < dimension; j++) {
            b[j][lane] = vector[j];
        }
        return floatScanCoef(vector);
    }

    @Override
    void copy(int slot, float[] out) {
        float[][] b = blocks[slot / blockSize];
        int lane = slot % blockSize;
        for (int j = 0; j < dimension; j++) {
            out[j] = b[j][lane];
        }
    }

    @Override
    double dotExact(float[] query, int slot) {
        float[][] b = blocks[slot / blockSize];
        int lane = slot % blockSize;
        double s = 0;
        for (int j = 0; j < dimension; j++) {
            s += (double) query[j] * (double) b[j][lane];
        }
        return s;
    }

    /**
     * Float inner products of {@code query} with every vector of block {@code block}, into {@code acc[0..blockSize)}
     * (lanes past {@link #size()} hold zeros' products). Every product passes through at most
     * {@code dimension} roundings, so the error bound of {@link ExactRescorer} holds whatever the summation order.
     */
    @Override
    void scoreBlock(int block, float[] query, float[] acc) {
        float[][] b = blocks[block];
        int bs = blockSize;
        Arrays.fill(acc, 0, bs, 0f);
        int j = 0;
        // four dimensions per pass: a quarter of the loads and stores of acc
        for (; j + 3 < dimension; j += 4) {
            float q0 = query[j], q1 = query[j + 1], q2 = query[j + 2], q3 = query[j + 3];
            float[] r0 = b[j], r1 = b[j + 1], r2 = b[j + 2], r3 = b[j + 3];
            for (int v = 0; v < bs; v++) {
                acc[v] += (q0 * r0[v] + q1 * r1[v]) + (q2 * r2[v] + q3 * r3[v]);
            }
        }
        for (; j < dimension; j++) {
            float qj = query[j];
            float[] row = b[j];
            for (int v = 0; v < bs; v++) {
                acc[v] += qj * row[v];
            }
        }
    }

    @Override
    void scoreBlockGroup(BlockKernel kernel, int block, float[] qt, float[][] acc) {
        kernel.floats(blocks[block], dimension, blockSize, qt, acc);
    }
}
