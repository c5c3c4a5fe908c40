package dev.ragtune.rag.index;

import java.util.Arrays;

/**
 * {@link ScanStore} whose scan reads int8 codes: each vector v is stored as {@code c = round(v / s)} with
 * {@code s = max|v_j| / 127}, in blocks of {@code blockSize} vectors laid out dimension-major in one byte array per
 * block; the float vectors are kept row-major beside them for exact rescoring, copying and saving.
 *
 * <p>Error bound of the approximate score: see {@link Int8Code}.
 *
 * <p>Why one byte array per block: {@code acc[v] += q_j * block[j*B + v]} is an element-wise loop that C2
 * vectorizes (the byte block and float accumulator cannot alias). Not thread-safe for writes; callers guard it.
 */
final class Int8Blocks extends ScanStore {
    private byte[][] codes = new byte[0][];
    private float[][] rows = new float[0][]; // per block: blockSize x dimension floats, row-major
    private float[] scales = new float[0];

    Int8Blocks(int dimension, int blockSize) {
        super(dimension, blockSize);
    }

    @Override
    double store(int slot, float[] vector) {
        int block = slot / blockSize;
        int lane = slot % blockSize;
        if (block == codes.length) {
            int cap = Math.max(4, codes.length * 2);
            codes = Arrays.copyOf(codes, cap);
            rows = Arrays.copyOf(rows, cap);
            scales = Arrays.copyOf(scales, cap * blockSize);
        }
        if (codes[block] == null) {
            codes[block] = new byte[dimension * blockSize];
            rows[block] = new float[dimension * blockSize];
        }
        System.arraycopy(vector, 0, rows[block], lane * dimension, dimension);
        Int8Code code = Int8Code.encode(vector, codes[block], lane, blockSize);
        scales[slot] = code.scale();
        return code.errorCoef();
    }

    @Override
    void copy(int slot, float[] out) {
        System.arraycopy(rows[slot / blockSize], (slot % blockSize) * dimension, out, 0, dimension);
    }

    @Override
    double dotExact(float[] query, int slot) {
        return ExactRescorer.dot(query, rows[slot / blockSize], (slot % blockSize) * dimension);
    }

    @Override
    void scoreBlock(int block, float[] query, float[] acc) {
        byte[] b = codes[block];
        int bs = blockSize;
        Arrays.fill(acc, 0, bs, 0f);
        int j = 0;
        // four dimensions per pass: a quarter of the loads and stores of acc
        for (; j + 3 < dimension; j += 4) {
            float q0 = query[j], q1 = query[j + 1], q2 = query[j + 2], q3 = query[j + 3];
            int o0 = j * bs, o1 = o0 + bs, o2 = o1 + bs, o3 = o2 + bs;
            for (int v = 0; v < bs; v++) {
                acc[v] += (q0 * b[o0 + v] + q1 * b[o1 + v]) + (q2 * b[o2 + v] + q3 * b[o3 + v]);
            }
        }
        for (; j < dimension; j++) {
            float qj = query[j];
            int o = j * bs;
            for (int v = 0; v < bs; v++) {
                acc[v] += qj * b[o + v];
            }
        }
        int base = block * bs;
        for (int v = 0; v < bs; v++) {
            acc[v] *= scales[base + v];
        }
    }

    @Override
    void scoreBlockGroup(BlockKernel kernel, int block, float[] qt, float[][] acc) {
        kernel.int8(codes[block], blockSize, dimension, blockSize, scales, block * blockSize, qt, acc);
    }
}
