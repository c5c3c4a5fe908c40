package dev.ragtune.rag.index;

/**
 * Dot product of a float query with one int8 code row, {@code sum_j q[j] * codes[offset + j]} in float.
 *
 * <p>Each product passes through at most n roundings in either implementation (the codes are small integers, exact in
 * float; fused multiply-adds only remove roundings), so the {@link ExactRescorer#errorFactor} bound holds for both.
 */
interface Int8Dot {
    float dot(float[] query, byte[] codes, int offset);

    /** A description for benchmarks and logs. */
    String name();

    /**
     * The Java Vector API kernel on Java 21+ with {@code jdk.incubator.vector} loaded (the {@code ragtune} launcher adds
     * it), else plain Java; the same test as {@link RowVectors#simdDotProduct}.
     */
    static Int8Dot forThisJvm(int dimension) {
        return RowVectors.simdDotProduct() ? new VectorInt8Dot(dimension) : new ScalarInt8Dot(dimension);
    }
}
