/**
 * Evaluation: question sets (SQuAD, JSONL), answer metrics (SQuAD EM/F1 and a Portuguese variant), retrieval metrics,
 * paired bootstrap, the no-RAG vs RAG vs RAG+re-rank run and its reports. Runs questions only through
 * {@code rag.answer.AskPipeline}; depends on no model module, no CLI and no concrete index.
 */
package dev.ragtune.rag.eval;
