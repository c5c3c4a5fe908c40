/**
 * {@code ragtune serve}: the page and the {@code /api} of a corpus, reached only through the retrieval seam
 * ({@code Retriever} to answer, {@code CorpusWriter} to ingest), so the same server runs over a folder or SolrCloud.
 * Security, limits, live re-opening and background ingestion live here; answers, retrieval and ingestion themselves do
 * not (they are rag's). Must not depend on the CLI (app.cli) nor on model code.
 */
package dev.ragtune.app.web;
