/**
 * Retrieval over a collection: modes (dense, BM25, hybrid), the fusion of dense and BM25 ranked lists, hits and
 * search timings. Pure ranking logic: depends on {@code document} and {@code index} types only; no I/O, no models.
 */
package dev.ragtune.rag.retrieve;
