/**
 * Embedders: text to L2-normalized vectors (all-MiniLM-L6-v2 through ONNX Runtime by default, or any
 * sentence-transformers ONNX export). Depends only on {@code document} (for token counting); never on indexes.
 */
package dev.ragtune.rag.embed;
