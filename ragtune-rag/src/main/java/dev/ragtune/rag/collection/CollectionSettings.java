package dev.ragtune.rag.collection;

import java.util.Objects;
import java.util.Set;

/**
 * How a new collection is made (and what an ingest asks of an existing one).
 *
 * @param index      dense index kind and parameters
 * @param indexGiven true when the user chose the index explicitly: an existing collection is then re-indexed
 * @param chunking   chunk size and overlap, or null for the default (new) / the collection's own (existing)
 * @param language   {@code auto}, {@code en} or {@code pt}: the BM25 analyzer
 */
public record CollectionSettings(Manifest.IndexInfo index, boolean indexGiven, Manifest.ChunkingInfo chunking,
                                 String language) {
    public static final Manifest.ChunkingInfo DEFAULT_CHUNKING = new Manifest.ChunkingInfo(200, 32);
    private static final Set<String> LANGUAGES = Set.of("auto", "en", "pt");

    public CollectionSettings {
        Objects.requireNonNull(index, "index");
        language = language == null ? "auto" : language;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("unknown language '" + language + "': use auto, en or pt");
        }
        if (chunking != null && (chunking.chunkTokens() < 8 || chunking.overlapTokens() < 1
                || chunking.overlapTokens() >= chunking.chunkTokens())) {
            throw new IllegalArgumentException("chunk tokens must be >= 8 and overlap in [1, chunk tokens): got "
                    + chunking.chunkTokens() + " / " + chunking.overlapTokens());
        }
    }

    /** The same settings, marked as not choosing the index (an existing collection keeps its own). */
    public CollectionSettings withoutIndexChoice() {
        return new CollectionSettings(index, false, chunking, language);
    }
}
