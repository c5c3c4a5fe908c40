package dev.ragtune.rag.index;

import java.util.Arrays;

/**
 * Vectors laid out for a fast approximate block scan, with what {@link ExactTopK} needs to make the final result
 * exact: a per-vector bound on the scan's error and the double-precision inner product of any one vector.
 *
 * <p>Contract: for every slot s and query q, {@code |dotExact(q, s) - approx(q, s)| <= |q| * errorCoef(s)}, where
 * {@code approx} is the value {@link #scoreBlock} writes for s. This class keeps the slot count and the bounds; a
 * layout stores the vector and says its bound. Not thread-safe for writes; callers guard it.
 */
abstract class ScanStore {
    final int dimension;
    final int blockSize;
    private float[] errorCoefs = new float[0];
    private int size;

    ScanStore(int dimension, int blockSize) {
        this.dimension = dimension;
        this.blockSize = blockSize;
    }

    final int size() {
        return size;
    }

    final int blockSize() {
        return blockSize;
    }

    final int blockCount() {
        return (size + blockSize - 1) / blockSize;
    }

    /** Appends a vector and returns its slot. */
    final int append(float[] vector) {
        int slot = size;
        if (slot == errorCoefs.length) {
            errorCoefs = Arrays.copyOf(errorCoefs, Math.max(blockSize, 2 * errorCoefs.length));
        }
        errorCoefs[slot] = Math.nextUp((float) store(slot, vector));
        size++;
        return slot;
    }

    /** Multiplier of {@code |query|} that bounds the error of the approximate score of {@code slot}. */
    final double errorCoef(int slot) {
        return errorCoefs[slot];
    }

    /** Stores {@code vector} at {@code slot} (always the next one) and returns its error coefficient. */
    abstract double store(int slot, float[] vector);

    /** Copies the vector at {@code slot} into {@code out}. */
    abstract void copy(int slot, float[] out);

    /** Inner product of {@code query} with the vector at {@code slot}, summed in double in index order. */
    abstract double dotExact(float[] query, int slot);

    /**
     * Approximate inner products of {@code query} with every vector of block {@code block}, into
     * {@code acc[0..blockSize)}; lanes past {@link #size()} hold meaningless values.
     */
    abstract void scoreBlock(int block, float[] query, float[] acc);

    /**
     * Approximate inner products of a group of {@link BlockKernel#QUERIES} queries, transposed into {@code qt} (see
     * {@link BlockKernel}), with every vector of block {@code block}: query i's into {@code acc[i][0..blockSize)}. The
     * values obey the same error bound as {@link #scoreBlock}. This default scores one query at a time; layouts
     * with a blocked product override it.
     */
    void scoreBlockGroup(BlockKernel kernel, int block, float[] qt, float[][] acc) {
        float[] q = new float[dimension];
        for (int i = 0; i < BlockKernel.QUERIES; i++) {
            for (int j = 0; j < dimension; j++) q[j] = qt[j * BlockKernel.QUERIES + i];
            scoreBlock(block, q, acc[i]);
        }
    }

    /** The error coefficient of a float scan of {@code vector}: {@link ExactRescorer#errorFactor} times its norm. */
    static double floatScanCoef(float[] vector) {
        return ExactRescorer.errorFactor(vector.length) * ExactRescorer.norm(vector);
    }
}
