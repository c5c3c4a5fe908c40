package dev.ragtune.rag.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups texts of similar token length into model batches, so that padding every text of a batch to the longest
 * one wastes little work. Texts are sorted longest first and a batch is closed when one more text would push
 * {@code texts × longest length} over the token budget or the batch over {@code maxBatchSize}. Longest first also
 * balances parallel workers: the big batches start early, the small ones fill the gaps at the end.
 */
final class LengthBatching {
    private LengthBatching() {
    }

    /**
     * @param lengths     token count of each text (special tokens included)
     * @param tokenBudget upper bound on {@code batch size × padded length}; a single text longer than it still gets
     *                    a batch of its own
     * @return batches as indices into {@code lengths}; every index appears exactly once
     */
    static List<int[]> plan(int[] lengths, int tokenBudget, int maxBatchSize) {
        if (tokenBudget < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("tokenBudget and maxBatchSize must be >= 1, got " + tokenBudget
                    + " and " + maxBatchSize);
        }
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed().thenComparingInt(i -> i));
        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int longest = lengths[order[start]];
            int end = start + 1;
            while (end < order.length && end - start < maxBatchSize
                    && (long) (end - start + 1) * longest <= tokenBudget) {
                end++;
            }
            int[] batch = new int[end - start];
            for (int k = start; k < end; k++) {
                batch[k - start] = order[k];
            }
            batches.add(batch);
            start = end;
        }
        return batches;
    }
}
