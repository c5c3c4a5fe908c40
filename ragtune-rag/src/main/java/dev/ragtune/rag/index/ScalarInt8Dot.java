package dev.ragtune.rag.index;

/** {@link Int8Dot} in plain Java: four independent float accumulators (the JIT does not vectorize the conversion). */
final class ScalarInt8Dot implements Int8Dot {
    private final int dimension;

    ScalarInt8Dot(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public float dot(float[] q, byte[] c, int o) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < dimension; j += 4) {
            s0 += q[j] * c[o + j];
            s1 += q[j + 1] * c[o + j + 1];
            s2 += q[j + 2] * c[o + j + 2];
            s3 += q[j + 3] * c[o + j + 3];
        }
        for (; j < dimension; j++) {
            s0 += q[j] * c[o + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "plain Java";
    }
}
