package dev.ragtune.rag.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockKernel} on the Java Vector API: a register tile of 8 queries × 2 vector registers of the block's
 * vectors (16 accumulators; 32 vectors per tile with AVX-512), one fused multiply-add per accumulator per dimension,
 * each block row loaded once per tile and each query component broadcast once. int8 codes are widened to floats lane
 * for lane before the multiply. Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class PanamaBlockKernel implements BlockKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8));

    @Override
    public void floats(float[][] rows, int dimension, int lanes, float[] qt, float[][] acc) {
        int v = 0;
        for (; v + 2 * L <= lanes; v += 2 * L) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            FloatVector a40 = FloatVector.zero(F), a41 = FloatVector.zero(F);
            FloatVector a50 = FloatVector.zero(F), a51 = FloatVector.zero(F);
            FloatVector a60 = FloatVector.zero(F), a61 = FloatVector.zero(F);
            FloatVector a70 = FloatVector.zero(F), a71 = FloatVector.zero(F);
            for (int j = 0; j < dimension; j++) {
                float[] r = rows[j];
                FloatVector x0 = FloatVector.fromArray(F, r, v);
                FloatVector x1 = FloatVector.fromArray(F, r, v + L);
                int o = j * QUERIES;
                FloatVector b;
                b = FloatVector.broadcast(F, qt[o + 0]);
                a00 = x0.fma(b, a00);
                a01 = x1.fma(b, a01);
                b = FloatVector.broadcast(F, qt[o + 1]);
                a10 = x0.fma(b, a10);
                a11 = x1.fma(b, a11);
                b = FloatVector.broadcast(F, qt[o + 2]);
                a20 = x0.fma(b, a20);
                a21 = x1.fma(b, a21);
                b = FloatVector.broadcast(F, qt[o + 3]);
                a30 = x0.fma(b, a30);
                a31 = x1.fma(b, a31);
                b = FloatVector.broadcast(F, qt[o + 4]);
                a40 = x0.fma(b, a40);
                a41 = x1.fma(b, a41);
                b = FloatVector.broadcast(F, qt[o + 5]);
                a50 = x0.fma(b, a50);
                a51 = x1.fma(b, a51);
                b = FloatVector.broadcast(F, qt[o + 6]);
                a60 = x0.fma(b, a60);
                a61 = x1.fma(b, a61);
                b = FloatVector.broadcast(F, qt[o + 7]);
                a70 = x0.fma(b, a70);
                a71 = x1.fma(b, a71);
            }
            a00.intoArray(acc[0], v);
            a01.intoArray(acc[0], v + L);
            a10.intoArray(acc[1], v);
            a11.intoArray(acc[1], v + L);
            a20.intoArray(acc[2], v);
            a21.intoArray(acc[2], v + L);
            a30.intoArray(acc[3], v);
            a31.intoArray(acc[3], v + L);
            a40.intoArray(acc[4], v);
            a41.intoArray(acc[4], v + L);
            a50.intoArray(acc[5], v);
            a51.intoArray(acc[5], v + L);
            a60.intoArray(acc[6], v);
            a61.intoArray(acc[6], v + L);
            a70.intoArray(acc[7], v);
            a71.intoArray(acc[7], v + L);
        }
        for (; v < lanes; v++) {
            for (int i = 0; i < QUERIES; i++) {
                float s = 0;
                for (int j = 0; j < dimension; j++) s += qt[j * QUERIES + i] * rows[j][v];
                acc[i][v] = s;
            }
        }
    }

    @Override
    public void int8(byte[] codes, int stride, int dimension, int lanes, float[] scales, int scaleBase, float[] qt,
                     float[][] acc) {
        int v = 0;
        for (; v + 2 * L <= lanes; v += 2 * L) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            FloatVector a40 = FloatVector.zero(F), a41 = FloatVector.zero(F);
            FloatVector a50 = FloatVector.zero(F), a51 = FloatVector.zero(F);
            FloatVector a60 = FloatVector.zero(F), a61 = FloatVector.zero(F);
            FloatVector a70 = FloatVector.zero(F), a71 = FloatVector.zero(F);
            for (int j = 0; j < dimension; j++) {
                int r = j * stride + v;
                FloatVector x0 = (FloatVector) ByteVector.fromArray(B, codes, r).castShape(F, 0);
                FloatVector x1 = (FloatVector) ByteVector.fromArray(B, codes, r + L).castShape(F, 0);
                int o = j * QUERIES;
                FloatVector b;
                b = FloatVector.broadcast(F, qt[o + 0]);
                a00 = x0.fma(b, a00);
                a01 = x1.fma(b, a01);
                b = FloatVector.broadcast(F, qt[o + 1]);
                a10 = x0.fma(b, a10);
                a11 = x1.fma(b, a11);
                b = FloatVector.broadcast(F, qt[o + 2]);
                a20 = x0.fma(b, a20);
                a21 = x1.fma(b, a21);
                b = FloatVector.broadcast(F, qt[o + 3]);
                a30 = x0.fma(b, a30);
                a31 = x1.fma(b, a31);
                b = FloatVector.broadcast(F, qt[o + 4]);
                a40 = x0.fma(b, a40);
                a41 = x1.fma(b, a41);
                b = FloatVector.broadcast(F, qt[o + 5]);
                a50 = x0.fma(b, a50);
                a51 = x1.fma(b, a51);
                b = FloatVector.broadcast(F, qt[o + 6]);
                a60 = x0.fma(b, a60);
                a61 = x1.fma(b, a61);
                b = FloatVector.broadcast(F, qt[o + 7]);
                a70 = x0.fma(b, a70);
                a71 = x1.fma(b, a71);
            }
            FloatVector s0 = FloatVector.fromArray(F, scales, scaleBase + v);
            FloatVector s1 = FloatVector.fromArray(F, scales, scaleBase + v + L);
            a00.mul(s0).intoArray(acc[0], v);
            a01.mul(s1).intoArray(acc[0], v + L);
            a10.mul(s0).intoArray(acc[1], v);
            a11.mul(s1).intoArray(acc[1], v + L);
            a20.mul(s0).intoArray(acc[2], v);
            a21.mul(s1).intoArray(acc[2], v + L);
            a30.mul(s0).intoArray(acc[3], v);
            a31.mul(s1).intoArray(acc[3], v + L);
            a40.mul(s0).intoArray(acc[4], v);
            a41.mul(s1).intoArray(acc[4], v + L);
            a50.mul(s0).intoArray(acc[5], v);
            a51.mul(s1).intoArray(acc[5], v + L);
            a60.mul(s0).intoArray(acc[6], v);
            a61.mul(s1).intoArray(acc[6], v + L);
            a70.mul(s0).intoArray(acc[7], v);
            a71.mul(s1).intoArray(acc[7], v + L);
        }
        for (; v < lanes; v++) {
            for (int i = 0; i < QUERIES; i++) {
                float s = 0;
                for (int j = 0; j < dimension; j++) s += qt[j * QUERIES + i] * codes[j * stride + v];
                acc[i][v] = s * scales[scaleBase + v];
            }
        }
    }

    @Override
    public String name() {
        return "Java Vector API, 8 queries x " + (2 * L) + " vectors per tile";
    }
}
