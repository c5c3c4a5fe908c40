package dev.ragtune.rag.corpus;

import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.util.Objects;

/**
 * One query to a {@link Retriever}.
 *
 * @param query      the text (BM25 reads it; dense embeds it)
 * @param mode       dense, bm25 or hybrid
 * @param k          hits wanted, at least 1
 * @param candidates hybrid: how deep each list is read before fusion (raised to k when smaller)
 * @param params     query knobs of approximate indexes
 * @param fusion     how hybrid mode fuses the two lists
 * @param filter     which chunks may be returned
 */
public record SearchRequest(String query, RetrievalMode mode, int k, int candidates, SearchParams params,
                            HybridFusion fusion, HitFilter filter) {
    public SearchRequest {
        if (query == null || query.isBlank()) throw new IllegalArgumentException("the query is empty");
        Objects.requireNonNull(mode, "mode");
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, was " + k);
        candidates = Math.max(k, candidates);
        params = params == null ? SearchParams.DEFAULTS : params;
        fusion = fusion == null ? HybridFusion.DEFAULT : fusion;
        filter = filter == null ? HitFilter.NONE : filter;
    }

    /** A request with default knobs, fusion and no filter. */
    public static SearchRequest of(String query, RetrievalMode mode, int k) {
        return new SearchRequest(query, mode, k, HybridFusion.candidatesFor(k), SearchParams.DEFAULTS, null, null);
    }

    public SearchRequest withFilter(HitFilter f) {
        return new SearchRequest(query, mode, k, candidates, params, fusion, f);
    }

    public SearchRequest withQuery(String q) {
        return new SearchRequest(q, mode, k, candidates, params, fusion, filter);
    }
}
