/**
 * The retrieval seam: {@link dev.ragtune.rag.corpus.Retriever} (query + optional filter → ranked hits) and
 * {@link dev.ragtune.rag.corpus.CorpusWriter} (add, replace, remove a source's chunks), the values they exchange, and
 * {@link dev.ragtune.rag.corpus.Corpora}, which opens a location with the backend that claims it. Backends (the local
 * folder in {@code rag.collection}, SolrCloud in ragtune-solr) depend on this package; it depends on none of them.
 */
package dev.ragtune.rag.corpus;
