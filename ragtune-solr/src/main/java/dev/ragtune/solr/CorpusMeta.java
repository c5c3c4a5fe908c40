package dev.ragtune.solr;

/**
 * What the corpus is, kept in its one {@code kind=meta} document and written by each commit: readers refuse another
 * embedder by it and show only chunks of a committed generation.
 *
 * @param format      layout version of the documents (this ragtune writes 1)
 * @param embedderId  the embedding model of the stored vectors
 * @param dimension   their dimension
 * @param generation  the last committed generation; chunks with a larger {@code gen} are staged, not visible
 * @param nextOrdinal the next chunk ordinal to hand out (ordinals are never reused)
 * @param chunkTokens chunk size in embedder tokens
 * @param overlap     tokens repeated between chunks
 * @param language    {@code auto}, {@code en} or {@code pt}
 * @param created     when the corpus was made (ISO-8601)
 * @param updated     when it was last committed (ISO-8601)
 */
record CorpusMeta(int format, String embedderId, int dimension, long generation, int nextOrdinal, int chunkTokens,
                  int overlap, String language, String created, String updated) {
    static final int FORMAT = 1;

    CorpusMeta next(int nextOrdinal, String now) {
        return new CorpusMeta(format, embedderId, dimension, generation + 1, nextOrdinal, chunkTokens, overlap,
                language, created, now);
    }
}
