package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlatIndexInt8Test extends FlatIndexTest {
    @Override
    ScanPrecision precision() {
        return ScanPrecision.INT8;
    }

    @Test
    void codesAndApproximateScoresMatchAHandComputedCase() {
        // v = (1, 0.5, -0.25, 0.004): scale 1/127, codes round(127 v) = (127, 64, -32, 1)
        Int8Blocks blocks = new Int8Blocks(4, 4);
        blocks.append(new float[] {1f, 0.5f, -0.25f, 0.004f});
        float[] acc = new float[4];
        blocks.scoreBlock(0, new float[] {1f, 1f, 1f, 1f}, acc);
        // (127 + 64 - 32 + 1) / 127 = 160 / 127
        assertThat((double) acc[0]).isCloseTo(160.0 / 127, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(acc[1]).isZero(); // empty lane
        // exact score 1.254; the bound must cover |1.254 - 160/127| = 0.00384 with |q| = 2
        double err = Math.abs(1.254 - 160.0 / 127);
        assertThat(2 * blocks.errorCoef(0)).isGreaterThanOrEqualTo(err);
        assertThat(blocks.dotExact(new float[] {1f, 1f, 1f, 1f}, 0)).isCloseTo(1.254, org.assertj.core.data.Offset.offset(1e-7));
    }

    @Test
    void errorBoundHoldsForEveryVectorAndQuery() {
        int dim = 96;
        float[][] v = randomUnitVectors(500, dim, 41);
        for (int i = 0; i < v.length; i += 3) v[i][i % dim] *= 25f; // uneven components
        Int8Blocks blocks = new Int8Blocks(dim, 64);
        for (float[] x : v) blocks.append(x);
        float[] acc = new float[64];
        for (float[] q : randomUnitVectors(30, dim, 42)) {
            double qn = ExactRescorer.norm(q);
            for (int b = 0; b < blocks.blockCount(); b++) {
                blocks.scoreBlock(b, q, acc);
                for (int lane = 0; lane < 64 && b * 64 + lane < v.length; lane++) {
                    int slot = b * 64 + lane;
                    double exact = blocks.dotExact(q, slot);
                    assertThat(Math.abs(exact - acc[lane])).isLessThanOrEqualTo(qn * blocks.errorCoef(slot));
                }
            }
        }
    }
}
