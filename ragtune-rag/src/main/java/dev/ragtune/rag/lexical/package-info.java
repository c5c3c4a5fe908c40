/**
 * Lexical (keyword) retrieval: a BM25 index on Apache Lucene with per-language analyzers.
 * Depends on {@code index} only for the {@link dev.ragtune.rag.index.Neighbor} result record; knows nothing of
 * embeddings, chunks or models.
 */
package dev.ragtune.rag.lexical;
