package dev.ragtune.model.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The order of examples in an epoch, a pure function of (seed, epoch), so a resumed run sees the same batches.
 *
 * <p>{@link Mode#PLAIN}: shuffle, cut into batches (the lecture's dynamic padding: each batch padded to its own
 * longest example). {@link Mode#GROUP_BY_LENGTH}: as HF's {@code group_by_length} — shuffle, cut into mega-batches of
 * {@code 50 × batchSize}, sort each by source length (longest first), cut into batches — so a batch holds examples of
 * similar length and padding nearly vanishes while the order stays random at mega-batch scale.
 */
public final class BatchOrder {
    /** How examples are grouped into batches. */
    public enum Mode { PLAIN, GROUP_BY_LENGTH }

    static final int MEGA_BATCH_MULTIPLIER = 50;

    private BatchOrder() {
    }

    /** Example indices per batch for {@code epoch}. */
    public static List<int[]> batches(List<TokenizedExample> examples, int batchSize, long seed, int epoch,
                                      Mode mode) {
        int n = examples.size();
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, new Random(seed * 1_000_003L + epoch));
        if (mode == Mode.GROUP_BY_LENGTH) {
            int mega = batchSize * MEGA_BATCH_MULTIPLIER;
            List<Integer> sorted = new ArrayList<>(n);
            for (int from = 0; from < n; from += mega) {
                List<Integer> chunk = new ArrayList<>(idx.subList(from, Math.min(n, from + mega)));
                chunk.sort(Comparator.comparingInt((Integer i) -> examples.get(i).source().length).reversed());
                sorted.addAll(chunk);
            }
            idx = sorted;
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            out.add(idx.subList(from, Math.min(n, from + batchSize)).stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
