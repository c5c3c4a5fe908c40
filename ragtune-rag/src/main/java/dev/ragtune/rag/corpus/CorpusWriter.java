package dev.ragtune.rag.corpus;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The write side of a corpus: one writer at a time adds, replaces and removes the chunks of ingested files; nothing is
 * visible to readers until {@link #commit()}, and closing without a commit discards the changes.
 */
public interface CorpusWriter extends AutoCloseable {
    /** Where the corpus lives (a folder or a URI), for messages. */
    String location();

    /** The ingested file with this source key (an absolute path), or null. */
    SourceEntry source(String source);

    /** The ingested files. */
    List<SourceEntry> sources();

    /** Document ids in use by any source. */
    default Set<String> docIds() {
        Set<String> ids = new HashSet<>();
        for (SourceEntry s : sources()) ids.addAll(s.docIds());
        return ids;
    }

    /** Hands out the next chunk ordinal (never reused). */
    int nextOrdinal();

    /** Chunk size in embedder tokens new chunks are cut to. */
    int chunkTokens();

    /** Tokens repeated between neighbouring chunks. */
    int overlapTokens();

    /** {@code auto}, {@code en} or {@code pt}: the BM25 analyzer of new chunks. */
    String language();

    /** Adds the chunks of one source (replacing its earlier version, if any) with their vectors, row-aligned. */
    void put(SourceEntry entry, List<StoredChunk> chunks, float[][] vectors);

    /** Removes a source and all its chunks; false when it was not there. */
    boolean remove(String source);

    /** Makes every change so far visible to readers, atomically. */
    void commit();

    @Override
    void close();
}
