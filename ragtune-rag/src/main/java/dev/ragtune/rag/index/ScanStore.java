package dev.ragtune.rag.index;

/**
 * Vectors laid out for a fast approximate block scan, with what {@link ExactTopK} needs to make the final result
 * exact: a per-vector bound on the scan's error and the double-precision inner product of any one vector.
 *
 * <p>Contract: for every slot s and query q, {@code |dotExact(q, s) - approx(q, s)| <= |q| * errorCoef(s)}, where
 * {@code approx} is the value {@link #scoreBlock} writes for s. Not thread-safe for writes; callers guard it.
 */
interface ScanStore {
    int size();

    int blockSize();

    default int blockCount() {
        return (size() + blockSize() - 1) / blockSize();
    }

    /** Appends a vector and returns its slot. */
    int append(float[] vector);

    /** Copies the vector at {@code slot} into {@code out}. */
    void copy(int slot, float[] out);

    /** Inner product of {@code query} with the vector at {@code slot}, summed in double in index order. */
    double dotExact(float[] query, int slot);

    /**
     * Approximate inner products of {@code query} with every vector of block {@code block}, into
     * {@code acc[0..blockSize)}; lanes past {@link #size()} hold meaningless values.
     */
    void scoreBlock(int block, float[] query, float[] acc);

    /** Multiplier of {@code |query|} that bounds the error of the approximate score of {@code slot}. */
    double errorCoef(int slot);
}
