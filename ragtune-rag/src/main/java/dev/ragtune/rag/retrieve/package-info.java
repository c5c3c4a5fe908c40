/**
 * Retrieval over a collection: modes (dense, BM25, hybrid), fusion of ranked lists, hits and search timings.
 * Depends on {@code document} and {@code index}; knows nothing of models or answers.
 */
package dev.ragtune.rag.retrieve;
