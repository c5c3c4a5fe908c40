package dev.ragtune.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two URI forms of a SolrCloud corpus, and the one-line errors for malformed ones. */
class SolrLocationTest {
    @Test
    void zooKeeperFormGivesHostsChrootAndCollection() {
        SolrLocation l = SolrLocation.parse("solr://zk1:2181,zk2:2181,zk3/solr/ragtune-docs");
        assertThat(l.zkHosts()).containsExactly("zk1:2181", "zk2:2181", "zk3");
        assertThat(l.chroot()).isEqualTo(Optional.of("/solr"));
        assertThat(l.collection()).isEqualTo("ragtune-docs");
        assertThat(l.solrUrl()).isNull();

        SolrLocation plain = SolrLocation.parse("solr://localhost:9983/docs");
        assertThat(plain.zkHosts()).isEqualTo(List.of("localhost:9983"));
        assertThat(plain.chroot()).isEmpty();
        assertThat(plain.collection()).isEqualTo("docs");
    }

    @Test
    void httpFormGivesTheNodeUrlAndCollection() {
        SolrLocation l = SolrLocation.parse("solr+http://host:8983/solr/name");
        assertThat(l.solrUrl()).isEqualTo("http://host:8983/solr");
        assertThat(l.collection()).isEqualTo("name");
        assertThat(l.zkHosts()).isEmpty();
        assertThat(SolrLocation.parse("solr+https://h:8443/solr/c/").solrUrl()).isEqualTo("https://h:8443/solr");
    }

    @Test
    void onlySolrSchemesAreClaimed() {
        assertThat(SolrLocation.isSolrUri("solr://zk:2181/c")).isTrue();
        assertThat(SolrLocation.isSolrUri("solr+http://h:8983/solr/c")).isTrue();
        assertThat(SolrLocation.isSolrUri("/data/collection")).isFalse();
        assertThat(SolrLocation.isSolrUri("s3://bucket/c")).isFalse();
        assertThat(new SolrBackend().accepts("my-docs")).isFalse();
    }

    @Test
    void malformedUrisAreErrorsNamingTheUriAndTheForms() {
        for (String bad : List.of("solr://", "solr://zk:2181", "solr://zk:2181/bad name", "solr://zk:x:1/c",
                "solr+http://host:8983", "solr+ftp://h/solr/c")) {
            assertThatThrownBy(() -> SolrLocation.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> new SolrBackend().openReader("solr://zk:2181"))
                .isInstanceOf(dev.ragtune.rag.corpus.CorpusException.class).hasMessageContaining("solr://ZK_HOST:PORT");
    }

    @Test
    void configsetCarriesTheDimensionAndTheLocalAnalyzers() {
        String schema = SolrConfigSet.file("schema.xml", 384);
        assertThat(schema).contains("vectorDimension=\"384\"").contains("similarityFunction=\"dot_product\"")
                .contains("org.apache.lucene.analysis.en.EnglishAnalyzer")
                .contains("org.apache.lucene.analysis.br.BrazilianAnalyzer").doesNotContain("@DIMENSION@");
        assertThat(SolrConfigSet.name(384)).isEqualTo("ragtune-v1-d384");
        assertThat(SolrCorpus.lexicalText("C++ (AND) x:y NOT")).isEqualTo("C\\+\\+ \\(\\AND\\) x\\:y \\NOT");
    }
}
