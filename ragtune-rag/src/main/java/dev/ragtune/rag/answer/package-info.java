/**
 * Answers with citations: the {@link dev.ragtune.rag.answer.Generator} seam to any text generator (a T5 model wired
 * by the app, or the built-in extractive one), prompt templates and the prompt budget, citation parsing and
 * attribution, and the ask pipeline with its latency breakdown. Never depends on ragtune-model.
 */
package dev.ragtune.rag.answer;
