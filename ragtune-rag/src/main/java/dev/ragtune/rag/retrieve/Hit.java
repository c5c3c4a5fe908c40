package dev.ragtune.rag.retrieve;

import dev.ragtune.rag.document.Chunk;

/**
 * One retrieved chunk.
 *
 * @param rank    1-based position in the result list
 * @param ordinal the chunk's key in the collection's indexes
 * @param chunk   the chunk with its source, page and offsets
 * @param score   the score the list is sorted by (cosine for dense, BM25 for bm25, the fused score for hybrid)
 */
public record Hit(int rank, int ordinal, Chunk chunk, float score) {}
