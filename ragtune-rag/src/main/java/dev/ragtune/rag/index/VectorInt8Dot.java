package dev.ragtune.rag.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Dot} on the Java Vector API: bytes widened to floats lane for lane, two fused multiply-add accumulators
 * (the shape of ragtune-model's int8 kernel). Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorInt8Dot implements Int8Dot {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(F.length() * 8));
    private final int dimension;
    private final int upper;

    VectorInt8Dot(int dimension) {
        this.dimension = dimension;
        this.upper = dimension - 2 * F.length() + 1;
    }

    @Override
    public float dot(float[] q, byte[] c, int o) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int j = 0;
        for (; j < upper; j += 2 * lanes) {
            FloatVector v0 = (FloatVector) ByteVector.fromArray(B, c, o + j).castShape(F, 0);
            FloatVector v1 = (FloatVector) ByteVector.fromArray(B, c, o + j + lanes).castShape(F, 0);
            acc0 = v0.fma(FloatVector.fromArray(F, q, j), acc0);
            acc1 = v1.fma(FloatVector.fromArray(F, q, j + lanes), acc1);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; j < dimension; j++) {
            s += q[j] * c[o + j];
        }
        return s;
    }

    @Override
    public String name() {
        return "Java Vector API, " + F.length() + " float lanes";
    }
}
