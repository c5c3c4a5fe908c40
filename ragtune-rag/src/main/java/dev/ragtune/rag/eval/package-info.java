/**
 * Retrieval evaluation: reading SQuAD-format question sets and computing hit@k and MRR.
 * Pure data and arithmetic; depends on no index, embedder or model.
 */
package dev.ragtune.rag.eval;
