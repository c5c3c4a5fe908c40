/**
 * Retrieval that combines sources: fusion of dense (vector) and lexical (BM25) result lists into one ranking.
 * Works on {@link dev.ragtune.rag.index.Neighbor} lists only; depends on no index implementation, embedder or model.
 */
package dev.ragtune.rag.retrieve;
