package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.RetrieverContractTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seam's contract, unchanged, on SolrCloud: each test gets a new collection of 2 shards on the shared 2-node
 * cluster (so BM25 statistics and knn top-k are merged across shards).
 */
@ExtendWith(SolrCluster.class)
class SolrBackendContractTest extends RetrieverContractTest {
    private SolrCluster cluster;

    @BeforeEach
    void cluster(SolrCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    protected String newLocation() {
        return cluster.newZkUri("contract");
    }

    @Override
    protected CorpusSettings settings() {
        return new CorpusSettings("flat", null, false, 0, 0, "auto", 2, 1);
    }
}
