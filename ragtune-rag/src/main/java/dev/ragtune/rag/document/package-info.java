/**
 * Documents and their passages: format readers (PDF, HTML, Markdown, text, JSONL) that push {@link
 * dev.ragtune.rag.document.Section}s to a {@link dev.ragtune.rag.document.DocumentVisitor} in bounded memory, chosen
 * by {@link dev.ragtune.rag.document.DocumentReaders}, and the sentence-packing, token-aware
 * {@link dev.ragtune.rag.document.Chunker} that turns them into {@link dev.ragtune.rag.document.Chunk}s.
 * Knows nothing of embeddings, indexes or models (tokens are counted through {@link
 * dev.ragtune.rag.document.TokenCounter}); depends only on PDFBox, jsoup, Jackson and SLF4J.
 */
package dev.ragtune.rag.document;
