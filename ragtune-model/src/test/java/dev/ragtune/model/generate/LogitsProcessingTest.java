package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Logits processors on fixed vectors, against hand-computed values (HF processor semantics). */
class LogitsProcessingTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void temperatureTwoHalvesLogitsAndFlattensTheDistribution() {
        float[] logits = {2f, 1f, 0f, -1f};
        LogitsProcessing.temperature(logits, 0, 4, 2.0);
        assertThat(logits).containsExactly(1f, 0.5f, 0f, -0.5f);
        double[] p = LogitsProcessing.softmax(logits, 0, 4);
        // exp(1), exp(.5), exp(0), exp(-.5) normalised: sum = 2.718282 + 1.648721 + 1 + 0.606531 = 5.973534
        assertThat(p[0]).isCloseTo(2.718282 / 5.973534, offset(1e-6));
        assertThat(p[1]).isCloseTo(1.648721 / 5.973534, offset(1e-6));
        assertThat(p[2]).isCloseTo(1.0 / 5.973534, offset(1e-6));
        assertThat(p[3]).isCloseTo(0.606531 / 5.973534, offset(1e-6));
    }

    @Test
    void topKKeepsTheKLargestAndTheirTies() {
        float[] logits = {0.1f, 3f, 2f, 2f, -1f};
        LogitsProcessing.topK(logits, 0, 5, 2);
        assertThat(logits).containsExactly(NEG_INF, 3f, 2f, 2f, NEG_INF);
    }

    @Test
    void topPRemovesTheTailBelowTheMass() {
        // probs of log(0.5), log(0.3), log(0.15), log(0.05): ascending cumulative .05 .20 .50 1.0
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        LogitsProcessing.topP(logits, 0, 4, 0.8);
        // remove where cumulative <= 0.2: the 0.05 and 0.15 tokens
        assertThat(logits[0]).isGreaterThan(NEG_INF);
        assertThat(logits[1]).isGreaterThan(NEG_INF);
        assertThat(logits[2]).isEqualTo(NEG_INF);
        assertThat(logits[3]).isEqualTo(NEG_INF);
    }

    @Test
    void topPAlwaysKeepsTheMostLikelyToken() {
        float[] logits = {0f, 10f, 0f};
        LogitsProcessing.topP(logits, 0, 3, 1e-9);
        assertThat(logits).containsExactly(NEG_INF, 10f, NEG_INF);
    }

    @Test
    void minNewTokensBansEosOnlyBeforeTheMinimum() {
        float[] row = {1f, 5f, 2f};
        LogitsProcessing.minNewTokens(row, 0, 2, 3, 1);
        assertThat(row[1]).isEqualTo(NEG_INF);
        float[] later = {1f, 5f, 2f};
        LogitsProcessing.minNewTokens(later, 0, 3, 3, 1);
        assertThat(later[1]).isEqualTo(5f);
    }

    @Test
    void noRepeatNgramBansTheCompletingToken() {
        long[] seq = {0, 7, 8, 9, 7, 0, 0};
        float[] row = new float[10];
        LogitsProcessing.noRepeatNgram(row, 0, seq, 5, 2); // last token 7 was followed by 8 before
        for (int t = 0; t < 10; t++) {
            assertThat(row[t]).as("token " + t).isEqualTo(t == 8 ? NEG_INF : 0f);
        }
        float[] tri = new float[10];
        LogitsProcessing.noRepeatNgram(tri, 0, new long[] {0, 7, 8, 9, 7, 8}, 6, 3); // (7, 8) -> 9 seen
        assertThat(tri[9]).isEqualTo(NEG_INF);
        assertThat(tri[8]).isEqualTo(0f);
    }

    @Test
    void sampleFollowsTheDistributionAndRepeatsForASeed() {
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        int[] counts = new int[3];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            counts[LogitsProcessing.sample(logits, 0, 3, r)]++;
        }
        assertThat(counts[0] / 20_000.0).isCloseTo(0.7, offset(0.02));
        assertThat(counts[1] / 20_000.0).isCloseTo(0.2, offset(0.02));
        assertThat(counts[2] / 20_000.0).isCloseTo(0.1, offset(0.02));
        int a = LogitsProcessing.sample(logits, 0, 3, new SplittableRandom(99));
        int b = LogitsProcessing.sample(logits, 0, 3, new SplittableRandom(99));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void topIndicesMatchesSortingWithLowerIndexFirstOnTies() {
        float[] v = {0.5f, 2f, -1f, 2f, 7f, NEG_INF};
        assertThat(Seq2SeqGenerator.topIndices(v, 4)).containsExactly(4, 1, 3, 0);
    }

    @Test
    void argmaxIsTorchArgmaxOnTiesNanAndAllMinusInfinity() {
        float nan = Float.NaN;
        float[][] rows = {
            {0.5f, 2f, -1f, 2f, 7f, 7f, NEG_INF},
            {NEG_INF, NEG_INF, NEG_INF},
            {1f, nan, 3f, nan},
            {-3f, -2f, -2f, -5f},
            {Float.POSITIVE_INFINITY, 1f, Float.POSITIVE_INFINITY},
        };
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        float[] big = new float[32128];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            for (float[] row : java.util.Arrays.copyOf(rows, rows.length + 1)) {
                float[] r = row == null ? big : row;
                long torch = m.create(r).argMax().getLong();
                // the row sits at an offset inside a longer array, as one row of a batch does
                float[] padded = new float[r.length + 5];
                java.util.Arrays.fill(padded, 99f);
                System.arraycopy(r, 0, padded, 3, r.length);
                assertThat((long) LogitsProcessing.argmax(padded, 3, r.length)).as(java.util.Arrays.toString(r))
                        .isEqualTo(torch);
            }
        }
    }
}
