package dev.ragtune.solr;

import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.RetrieverContractTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seam's contract, unchanged, on SolrCloud: each test gets a new collection of 2 shards on the shared 2-node
 * cluster (so BM25 statistics and knn top-k are merged across shards).
 */
@ExtendWith(SolrCluster.class)
class SolrBackendContractTest extends RetrieverContractTest {
    /** New Solr collections of 2 shards × 1 replica. */
    static final CorpusSettings TWO_SHARDS = new CorpusSettings("flat", null, false, 0, 0, "auto", 2, 1);

    private final SolrCluster cluster;

    SolrBackendContractTest(SolrCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    protected String newLocation() {
        return cluster.newZkUri("contract");
    }

    @Override
    protected CorpusWriter writer() {
        return Corpora.openWriter(location(), embedder, TWO_SHARDS);
    }
}
