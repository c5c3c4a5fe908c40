/**
 * Documents and their passages: format readers (PDF, HTML, Markdown, text, JSONL), the token-aware chunker and
 * the {@link dev.ragtune.rag.document.Chunk} record. Knows nothing of embeddings, indexes or models.
 */
package dev.ragtune.rag.document;
