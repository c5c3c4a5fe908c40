package dev.ragtune.rag.retrieve;

import java.util.List;

/**
 * Hits of one query with where the time went.
 *
 * @param embedMillis  time to embed the query (0 for bm25)
 * @param searchMillis time in the indexes and fusion
 * @param totalMillis  the whole call
 */
public record SearchResult(String query, RetrievalMode mode, List<Hit> hits, double embedMillis, double searchMillis,
                           double totalMillis) {
    public SearchResult {
        hits = List.copyOf(hits);
    }
}
