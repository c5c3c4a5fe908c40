package dev.ragtune.rag.rerank;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Scores how well each passage answers a query, looking at both together (unlike an embedder, which encodes them
 * apart). Used to reorder the top candidates of a retriever.
 *
 * <p>Sharp edge: scores are only comparable within one model (a cross-encoder's raw logits are unbounded); use them
 * to order, not as probabilities, unless the implementation says otherwise.
 */
public interface Reranker extends AutoCloseable {
    /** One score per passage, in order, higher = more relevant. An empty list gives an empty array. */
    float[] score(String query, List<String> passages);

    /**
     * The {@code k} best of {@code items} by {@link #score}, best first; ties keep the input order (stable).
     *
     * @param text how to get an item's passage text
     * @param k    how many to keep (at least 1; more than {@code items.size()} keeps all)
     */
    default <T> List<Scored<T>> rerank(String query, List<T> items, Function<? super T, String> text, int k) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(text, "text");
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, was " + k);
        if (items.isEmpty()) return List.of();
        List<String> passages = new ArrayList<>(items.size());
        for (T item : items) passages.add(Objects.requireNonNull(text.apply(item), "passage text of " + item));
        float[] scores = score(query, passages);
        if (scores.length != items.size()) {
            throw new IllegalStateException(getClass().getSimpleName() + " returned " + scores.length
                    + " scores for " + items.size() + " passages");
        }
        List<Scored<T>> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) out.add(new Scored<>(items.get(i), scores[i], i));
        // List.sort is stable; compare(b, a) puts higher scores first, NaN last
        out.sort(Comparator.comparingDouble((Scored<T> s) -> Float.isNaN(s.score()) ? Float.NEGATIVE_INFINITY
                : s.score()).reversed());
        return List.copyOf(out.subList(0, Math.min(k, out.size())));
    }

    /** Re-ranks plain passages. */
    default List<Scored<String>> rerank(String query, List<String> passages, int k) {
        return rerank(query, passages, Function.identity(), k);
    }

    /** Releases native resources; a no-op unless the implementation holds any. */
    @Override
    default void close() {}
}
