package dev.ragtune.rag.corpus;

import dev.ragtune.rag.document.Chunk;
import java.util.Objects;

/**
 * A chunk as a collection keeps it: its ordinal (the int key of the dense and BM25 indexes, never reused) and the
 * language its BM25 analyzer was chosen by.
 */
public record StoredChunk(int ordinal, Chunk chunk, String language) {
    public StoredChunk {
        Objects.requireNonNull(chunk, "chunk");
        if (ordinal < 0) throw new IllegalArgumentException("ordinal must be >= 0, was " + ordinal);
        language = language == null ? "en" : language;
    }
}
