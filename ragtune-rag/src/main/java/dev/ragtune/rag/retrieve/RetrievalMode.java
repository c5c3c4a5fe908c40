package dev.ragtune.rag.retrieve;

import java.util.Locale;

/** How a query is matched: by embedding, by BM25 over words, or both fused. */
public enum RetrievalMode {
    DENSE, BM25, HYBRID;

    /** Parses {@code dense}, {@code bm25} or {@code hybrid} (any case); anything else is an error naming the choices. */
    public static RetrievalMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown retrieval mode '" + s + "': use dense, bm25 or hybrid");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
