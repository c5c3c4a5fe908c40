package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link ExactTopK} relies on, for every {@link ScanStore}: above all, that the scan's error bound holds. */
abstract class ScanStoreContractTest {
    abstract ScanStore newStore(int dimension, int blockSize);

    @Test
    void errorBoundHoldsForEveryVectorAndQuery() {
        int dim = 96;
        float[][] v = VectorIndexContractTest.randomUnitVectors(500, dim, 41);
        for (int i = 0; i < v.length; i += 3) v[i][i % dim] *= 25f; // uneven components
        for (int i = 1; i < v.length; i += 7) java.util.Arrays.fill(v[i], 1e-3f); // flat ones
        ScanStore store = newStore(dim, 64);
        for (float[] x : v) store.append(x);
        float[] acc = new float[64];
        for (float[] q : VectorIndexContractTest.randomUnitVectors(30, dim, 42)) {
            q[3] *= 1000f; // a query far from unit length
            double qn = ExactRescorer.norm(q);
            for (int b = 0; b < store.blockCount(); b++) {
                store.scoreBlock(b, q, acc);
                for (int lane = 0; lane < 64 && b * 64 + lane < v.length; lane++) {
                    int slot = b * 64 + lane;
                    double exact = store.dotExact(q, slot);
                    assertThat(Math.abs(exact - acc[lane])).as("slot " + slot)
                            .isLessThanOrEqualTo(qn * store.errorCoef(slot));
                }
            }
        }
    }

    @Test
    void copyReturnsTheAppendedVectorAndDotExactIsTheDoubleSum() {
        float[][] v = VectorIndexContractTest.randomUnitVectors(70, 12, 43);
        ScanStore store = newStore(12, 16);
        for (int i = 0; i < v.length; i++) assertThat(store.append(v[i])).isEqualTo(i);
        assertThat(store.size()).isEqualTo(70);
        assertThat(store.blockCount()).isEqualTo(5);
        float[] out = new float[12];
        float[] q = v[0];
        for (int i = 0; i < v.length; i++) {
            store.copy(i, out);
            assertThat(out).containsExactly(v[i]);
            double s = 0;
            for (int j = 0; j < 12; j++) s += (double) q[j] * v[i][j];
            assertThat(store.dotExact(q, i)).isEqualTo(s);
        }
    }
}
