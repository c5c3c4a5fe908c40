/**
 * Re-rankers: score (query, passage) pairs jointly and reorder retrieved candidates by that score
 * ({@link dev.ragtune.rag.rerank.Reranker}; {@link dev.ragtune.rag.rerank.CrossEncoderReranker} runs a
 * sentence-transformers CrossEncoder ONNX export). Works on plain strings; must not depend on indexes or answers.
 */
package dev.ragtune.rag.rerank;
