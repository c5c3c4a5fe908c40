package dev.ragtune.rag.index;

/**
 * The blocked queries × vectors product of a batched scan: {@value #QUERIES} queries at once against one
 * dimension-major block, each block row read once for all of them. Queries come transposed and padded,
 * {@code qt[j * QUERIES + i]} = component j of the group's i-th query (zeros for missing queries).
 *
 * <p>Every output is a float sum in which each product passes through at most {@code dimension} roundings (fused
 * multiply-adds only remove roundings), so the {@link ExactRescorer} error bound of the one-query scan holds for it.
 */
interface BlockKernel {
    /** Queries per group. */
    int QUERIES = 8;

    /** {@code acc[i][v] = sum_j qt[j*QUERIES+i] * rows[j][v]} for {@code v < lanes}, i < {@link #QUERIES}. */
    void floats(float[][] rows, int dimension, int lanes, float[] qt, float[][] acc);

    /**
     * {@code acc[i][v] = (sum_j qt[j*QUERIES+i] * codes[j*stride + v]) * scales[scaleBase + v]} for {@code v < lanes}:
     * the sum in float, then one multiply by the vector's scale, as {@link Int8Blocks#scoreBlock}.
     */
    void int8(byte[] codes, int stride, int dimension, int lanes, float[] scales, int scaleBase, float[] qt,
              float[][] acc);

    /** Short name for benchmark output. */
    String name();

    /** The Java Vector API kernel on Java 21+ with {@code jdk.incubator.vector} loaded, else the plain Java one. */
    static BlockKernel forThisJvm() {
        return Holder.BEST;
    }

    /** Transposes {@code queries[from .. from+count)} (count <= QUERIES) into {@code qt}, zero-padded. */
    static void transpose(float[][] queries, int from, int count, int dimension, float[] qt) {
        java.util.Arrays.fill(qt, 0, dimension * QUERIES, 0f);
        for (int i = 0; i < count; i++) {
            float[] q = queries[from + i];
            for (int j = 0; j < dimension; j++) qt[j * QUERIES + i] = q[j];
        }
    }

    /** Lazily picks the kernel once per JVM (immutable afterwards). */
    final class Holder {
        private Holder() {}

        static final BlockKernel BEST = pick();

        private static BlockKernel pick() {
            if (RowVectors.simdDotProduct()) {
                try {
                    return new PanamaBlockKernel();
                } catch (LinkageError e) {
                    return new ScalarBlockKernel();
                }
            }
            return new ScalarBlockKernel();
        }
    }
}
