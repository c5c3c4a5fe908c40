package dev.ragtune.rag.eval;

import java.util.List;
import java.util.Objects;

/**
 * Retrieval quality of a set of rankings against one gold id per query.
 *
 * @param queries number of queries
 * @param hitAt1  fraction of queries whose gold id is ranked first
 * @param hitAt5  fraction whose gold id is in the top 5
 * @param hitAt10 fraction whose gold id is in the top 10
 * @param mrr     mean reciprocal rank of the gold id (0 when it is not in the ranking at all)
 */
public record RetrievalMetrics(int queries, double hitAt1, double hitAt5, double hitAt10, double mrr) {
    /**
     * Computes the metrics; {@code rankings.get(i)} are the ids returned for query i, best first, and
     * {@code gold.get(i)} its relevant id.
     */
    public static <T> RetrievalMetrics of(List<? extends List<T>> rankings, List<T> gold) {
        Objects.requireNonNull(rankings, "rankings");
        Objects.requireNonNull(gold, "gold");
        if (rankings.size() != gold.size()) {
            throw new IllegalArgumentException(rankings.size() + " rankings but " + gold.size() + " gold ids");
        }
        if (gold.isEmpty()) throw new IllegalArgumentException("no queries");
        int h1 = 0, h5 = 0, h10 = 0;
        double rr = 0;
        for (int i = 0; i < gold.size(); i++) {
            int rank = rankings.get(i).indexOf(gold.get(i));
            if (rank < 0) continue;
            if (rank < 1) h1++;
            if (rank < 5) h5++;
            if (rank < 10) h10++;
            rr += 1.0 / (rank + 1);
        }
        double n = gold.size();
        return new RetrievalMetrics(gold.size(), h1 / n, h5 / n, h10 / n, rr / n);
    }

    /** hit@k of the rankings: the fraction of queries whose gold id is among the first k. */
    public static <T> double hitAt(int k, List<? extends List<T>> rankings, List<T> gold) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, was " + k);
        if (rankings.size() != gold.size() || gold.isEmpty()) {
            throw new IllegalArgumentException(rankings.size() + " rankings for " + gold.size() + " gold ids");
        }
        int hits = 0;
        for (int i = 0; i < gold.size(); i++) {
            int rank = rankings.get(i).indexOf(gold.get(i));
            if (rank >= 0 && rank < k) hits++;
        }
        return hits / (double) gold.size();
    }
}
