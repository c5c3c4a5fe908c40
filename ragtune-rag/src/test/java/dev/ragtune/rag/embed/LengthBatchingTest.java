package dev.ragtune.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBatchingTest {
    /**
     * Hand-computed: sorted longest first the lengths are 50(i2) 40(i0) 30(i4) 20(i1) 10(i3) 10(i5). With a budget of
     * 100 tokens: [50,40] costs 2×50=100, adding 30 would cost 150; [30,20,10] costs 90, adding the last 10 would cost
     * 120; then [10].
     */
    @Test
    void cutsSortedLengthsByPaddedTokenBudget() {
        List<int[]> batches = LengthBatching.plan(new int[] {40, 20, 50, 10, 30, 10}, 100, 64);
        assertThat(batches).containsExactly(new int[] {2, 0}, new int[] {4, 1, 3}, new int[] {5});
    }

    @Test
    void batchSizeCapAndOversizedTextsGetTheirOwnBatch() {
        assertThat(LengthBatching.plan(new int[] {5, 5, 5, 5, 5}, 1000, 2))
                .containsExactly(new int[] {0, 1}, new int[] {2, 3}, new int[] {4});
        assertThat(LengthBatching.plan(new int[] {300, 8}, 100, 64)).containsExactly(new int[] {0}, new int[] {1});
    }

    @Test
    void everyIndexAppearsOnceAndNoBatchExceedsItsBudget() {
        Random random = new Random(42);
        int[] lengths = IntStream.range(0, 1000).map(i -> 3 + random.nextInt(254)).toArray();
        List<int[]> batches = LengthBatching.plan(lengths, 2048, 32);
        assertThat(batches.stream().flatMapToInt(IntStream::of).sorted().toArray())
                .containsExactly(IntStream.range(0, 1000).toArray());
        for (int[] b : batches) {
            int longest = IntStream.of(b).map(i -> lengths[i]).max().orElseThrow();
            assertThat(b.length).isLessThanOrEqualTo(32);
            assertThat((long) b.length * longest).isLessThanOrEqualTo(2048);
        }
    }

    @Test
    void emptyInputGivesNoBatchesAndBadLimitsAreRejected() {
        assertThat(LengthBatching.plan(new int[0], 10, 10)).isEmpty();
        assertThatThrownBy(() -> LengthBatching.plan(new int[] {1}, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenBudget");
    }
}
