/**
 * Dense vector indexes behind {@link dev.ragtune.rag.index.VectorIndex}: exact flat scan, IVF and HNSW (Lucene).
 * Works on ids and float vectors only: no chunks, no embedders, no text.
 */
package dev.ragtune.rag.index;
