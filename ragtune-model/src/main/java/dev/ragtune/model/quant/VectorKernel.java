package dev.ragtune.model.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Java Vector API: bytes widened to floats lane for lane ({@code castShape}), two independent fused multiply-add
 * accumulators per dot product (the fastest of the variants measured in shared/anchors/int8-gemv.md). Loaded only
 * when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorKernel implements Int8Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(F.length() * 8));

    @Override
    public void multiply(Int8Matrix m, float[] x, int n, float[] y, int r0, int r1) {
        byte[] q = m.values();
        float[] scales = m.scales();
        int cols = m.cols();
        int rows = m.rows();
        int lanes = F.length();
        int upper = cols - 2 * lanes + 1;
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            for (int i = 0; i < n; i++) {
                int xo = i * cols;
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                int c = 0;
                for (; c < upper; c += 2 * lanes) {
                    FloatVector w0 = (FloatVector) ByteVector.fromArray(B, q, base + c).castShape(F, 0);
                    FloatVector w1 = (FloatVector) ByteVector.fromArray(B, q, base + c + lanes).castShape(F, 0);
                    acc0 = w0.fma(FloatVector.fromArray(F, x, xo + c), acc0);
                    acc1 = w1.fma(FloatVector.fromArray(F, x, xo + c + lanes), acc1);
                }
                float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
                for (; c < cols; c++) {
                    s += q[base + c] * x[xo + c];
                }
                y[i * rows + r] = s * scales[r];
            }
        }
    }

    @Override
    public String name() {
        return "Java Vector API, " + F.length() + " float lanes";
    }
}
