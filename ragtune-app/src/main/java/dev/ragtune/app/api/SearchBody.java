package dev.ragtune.app.api;

import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.SearchResult;
import java.util.List;

/**
 * Hits of one query as {@code GET /api/search} and {@code ragtune search --json} write them.
 *
 * @param id the query's id from a {@code --queries} file (absent otherwise)
 */
public record SearchBody(String id, String query, String mode, List<SearchHit> hits, SearchTimings timingsMs) {
    public record SearchHit(int rank, String chunkId, String docId, String source, int page, float score, String text) {}

    public record SearchTimings(double embed, double search, double total) {}

    public static SearchBody of(String id, SearchResult r) {
        List<SearchHit> hits = r.hits().stream()
                .map((Hit h) -> new SearchHit(h.rank(), h.chunk().id(), h.chunk().docId(), h.chunk().source(),
                        h.chunk().page(), h.score(), h.chunk().text())).toList();
        return new SearchBody(id, r.query(), r.mode().label(), hits, new SearchTimings(Wire.millis(r.embedMillis()),
                Wire.millis(r.searchMillis()), Wire.millis(r.totalMillis())));
    }
}
