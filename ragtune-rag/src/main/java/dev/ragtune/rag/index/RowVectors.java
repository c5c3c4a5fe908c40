package dev.ragtune.rag.index;

import java.util.Arrays;
import org.apache.lucene.util.VectorUtil;

/**
 * {@link ScanStore} of one float array per vector, scored one vector at a time with Lucene's
 * {@link VectorUtil#dotProduct} (SIMD on Java 21+ when the launcher adds {@code jdk.incubator.vector}, scalar on 17).
 * Suits short lists such as IVF's inverted lists, where a block-transposed layout spends its time on loop overhead.
 *
 * <p>Error bound: however Lucene orders and fuses the sum (it uses FMA and several accumulators), each product passes
 * through at most n roundings, so {@code |q.v - approx| <= gamma(n) |q| |v|} as in {@link ExactRescorer}.
 * Not thread-safe for writes; callers guard it.
 */
final class RowVectors extends ScanStore {
    private float[][] rows = new float[0][];

    /**
     * Whether Lucene's dot product runs on SIMD here: Java 21+ with the {@code jdk.incubator.vector} module loaded (the
     * {@code ragtune} launcher adds it). Measured on IVF lists at 50k × 384, nlist 1024, nprobe 64: 0.41 ms per query
     * with it against 1.32 ms for {@link VectorBlocks}; without it (Java 17) 1.50 ms, so Java 17 keeps VectorBlocks.
     */
    static boolean simdDotProduct() {
        return Runtime.version().feature() >= 21 && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    RowVectors(int dimension, int blockSize) {
        super(dimension, blockSize);
    }

    @Override
    double store(int slot, float[] vector) {
        if (slot == rows.length) {
            rows = Arrays.copyOf(rows, Math.max(8, rows.length * 2));
        }
        rows[slot] = vector.clone();
        return floatScanCoef(vector);
    }

    @Override
    void copy(int slot, float[] out) {
        System.arraycopy(rows[slot], 0, out, 0, dimension);
    }

    @Override
    double dotExact(float[] query, int slot) {
        return ExactRescorer.dot(query, rows[slot], 0);
    }

    @Override
    void scoreBlock(int block, float[] query, float[] acc) {
        int base = block * blockSize;
        int lanes = Math.min(blockSize, size() - base);
        for (int v = 0; v < lanes; v++) {
            acc[v] = VectorUtil.dotProduct(query, rows[base + v]);
        }
    }
}
