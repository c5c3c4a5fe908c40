package dev.ragtune.model.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A dynamically padded batch: sources right-padded with {@code padId} to the longest source of the batch (mask 0 on
 * padding), labels right-padded with -100 to the longest target (ignored by the loss).
 */
public record Batch(int size, int sourceLength, int targetLength, long[] inputIds, long[] attentionMask,
                    long[] labels, List<TokenizedExample> examples) {

    public static Batch of(List<TokenizedExample> examples, long padId) {
        int s = examples.stream().mapToInt(e -> e.source().length).max().orElseThrow();
        int t = examples.stream().mapToInt(e -> e.target().length).max().orElseThrow();
        int n = examples.size();
        long[] ids = new long[n * s];
        long[] mask = new long[n * s];
        long[] labels = new long[n * t];
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(labels, -100);
        for (int i = 0; i < n; i++) {
            TokenizedExample e = examples.get(i);
            System.arraycopy(e.source(), 0, ids, i * s, e.source().length);
            java.util.Arrays.fill(mask, i * s, i * s + e.source().length, 1);
            System.arraycopy(e.target(), 0, labels, i * t, e.target().length);
        }
        return new Batch(n, s, t, ids, mask, labels, List.copyOf(examples));
    }

    public NDArray inputIds(NDManager scope) {
        return scope.create(inputIds, new Shape(size, sourceLength));
    }

    public NDArray attentionMask(NDManager scope) {
        return scope.create(attentionMask, new Shape(size, sourceLength));
    }

    public NDArray labels(NDManager scope) {
        return scope.create(labels, new Shape(size, targetLength));
    }

    /** Number of label tokens that count in the loss. */
    public int targetTokens() {
        return examples.stream().mapToInt(e -> e.target().length).sum();
    }
}
