/**
 * Corpora on SolrCloud behind ragtune-rag's retrieval seam ({@code rag.corpus}): {@link dev.ragtune.solr.SolrBackend}
 * serves {@code solr://ZK/COLLECTION} and {@code solr+http://HOST:PORT/solr/COLLECTION} with a configset ragtune owns
 * (dense HNSW vectors, the local BM25 analyzers, stored chunk fields). Depends on ragtune-rag and SolrJ only; never on
 * the app or the model module.
 */
package dev.ragtune.solr;
