package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class Int8BlocksTest extends ScanStoreContractTest {
    @Override
    ScanStore newStore(int dimension, int blockSize) {
        return new Int8Blocks(dimension, blockSize);
    }

    @Test
    void codesAndApproximateScoresMatchAHandComputedCase() {
        // v = (1, 0.5, -0.25, 0.004): scale 1/127, codes round(127 v) = (127, 64, -32, 1)
        Int8Blocks blocks = new Int8Blocks(4, 4);
        blocks.append(new float[] {1f, 0.5f, -0.25f, 0.004f});
        float[] acc = new float[4];
        float[] ones = {1f, 1f, 1f, 1f};
        blocks.scoreBlock(0, ones, acc);
        // (127 + 64 - 32 + 1) / 127 = 160 / 127
        assertThat((double) acc[0]).isCloseTo(160.0 / 127, offset(1e-6));
        assertThat(acc[1]).isZero(); // empty lane
        // residual (0, 0.5 - 64/127, -0.25 + 32/127, 0.004 - 1/127) has norm 0.0058637; the float-rounding term adds
        // (1/127) |c| (gamma(4) + 2^-23) < 1e-6
        assertThat(blocks.errorCoef(0)).isBetween(0.0058637, 0.0058650);
        assertThat(blocks.dotExact(ones, 0)).isCloseTo(1.254, offset(1e-7));
    }
}
