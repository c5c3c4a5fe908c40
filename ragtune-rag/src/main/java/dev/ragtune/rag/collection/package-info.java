/**
 * A collection folder: manifest, chunks and vectors (the source of truth), dense and BM25 indexes, committed by
 * generations under a single-writer lock, plus ingestion and search over it. Knows nothing of models or answers.
 */
package dev.ragtune.rag.collection;
