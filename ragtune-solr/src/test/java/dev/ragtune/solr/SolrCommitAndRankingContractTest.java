package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusCommitAndRankingContractTest;
import dev.ragtune.rag.corpus.CorpusSettings;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seam's commit, abort and ranking contract, unchanged, on SolrCloud collections of 2 shards. */
@ExtendWith(SolrCluster.class)
class SolrCommitAndRankingContractTest extends CorpusCommitAndRankingContractTest {
    private final SolrCluster cluster;

    SolrCommitAndRankingContractTest(SolrCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    protected String newLocation() {
        return cluster.newZkUri("commit");
    }

    @Override
    protected CorpusSettings settings() {
        return SolrBackendContractTest.TWO_SHARDS;
    }
}
