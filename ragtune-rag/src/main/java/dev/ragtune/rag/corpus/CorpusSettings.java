package dev.ragtune.rag.corpus;

import java.util.Map;
import java.util.Set;

/**
 * How a new corpus is made (and what an ingest asks of an existing one). Backends read the parts they know: the local
 * folder its dense index kind, SolrCloud its shards and replicas.
 *
 * @param index       dense index kind ({@code flat}, {@code ivf}, {@code hnsw}) and its parameters
 * @param indexGiven  true when the user chose the index explicitly: an existing local collection is then re-indexed
 * @param chunkTokens chunk size in embedder tokens, or 0 for the default (new) / the corpus's own (existing)
 * @param overlap     tokens repeated between chunks, or 0 likewise
 * @param language    {@code auto}, {@code en} or {@code pt}: the BM25 analyzer
 * @param shards      distributed backends: shards of a new collection (0 = the backend's default)
 * @param replicas    distributed backends: replicas per shard of a new collection (0 = the backend's default)
 */
public record CorpusSettings(String index, Map<String, String> indexParams, boolean indexGiven, int chunkTokens,
                             int overlap, String language, int shards, int replicas) {
    public static final int DEFAULT_CHUNK_TOKENS = 200;
    public static final int DEFAULT_OVERLAP = 32;
    private static final Set<String> LANGUAGES = Set.of("auto", "en", "pt");

    public CorpusSettings {
        index = index == null ? "flat" : index;
        indexParams = indexParams == null ? Map.of() : Map.copyOf(indexParams);
        language = language == null ? "auto" : language;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("unknown language '" + language + "': use auto, en or pt");
        }
        if (chunkTokens != 0 || overlap != 0) {
            int c = chunkTokens == 0 ? DEFAULT_CHUNK_TOKENS : chunkTokens;
            int o = overlap == 0 ? DEFAULT_OVERLAP : overlap;
            if (c < 8 || o < 1 || o >= c) {
                throw new IllegalArgumentException("chunk tokens must be >= 8 and overlap in [1, chunk tokens): got "
                        + c + " / " + o);
            }
        }
        if (shards < 0 || replicas < 0) {
            throw new IllegalArgumentException("shards and replicas must be >= 1, got " + shards + " / " + replicas);
        }
    }

    /** Defaults: a flat index, default chunking, language auto. */
    public static CorpusSettings defaults() {
        return new CorpusSettings("flat", Map.of(), false, 0, 0, "auto", 0, 0);
    }

    /** True when chunking was chosen explicitly. */
    public boolean chunkingGiven() {
        return chunkTokens != 0 || overlap != 0;
    }

    public int chunkTokensOrDefault() {
        return chunkTokens == 0 ? DEFAULT_CHUNK_TOKENS : chunkTokens;
    }

    public int overlapOrDefault() {
        return overlap == 0 ? DEFAULT_OVERLAP : overlap;
    }

}
