package dev.ragtune.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real SolrCloud of 2 nodes (its own, since it stops one) holding a collection of 2 shards × 2 replicas:
 * files are ingested, searched and asked about; a node stops in the middle of a stream of queries and every query
 * still answers from the other node's replicas; the node comes back and writes continue; a Solr that is not there is
 * one clear error naming the URI.
 */
class SolrCloudFaultsTest {
    private static SolrCluster cluster;
    private final HashingEmbedder embedder = new HashingEmbedder();

    @TempDir Path docs;

    @BeforeAll
    static void start() {
        cluster = SolrCluster.start(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static final String[][] FILES = {
        {"lora.md", "# LoRA\n\nLow-rank adaptation freezes the pretrained weights and trains two small matrices per "
                + "layer. The rank r controls how many parameters are trained.\n"},
        {"bm25.txt", "BM25 ranks documents by term frequency and inverse document frequency, with length "
                + "normalization controlled by b and saturation by k1.\n"},
        {"hnsw.txt", "HNSW builds a layered proximity graph; a greedy search descends the layers and a beam of "
                + "candidates explores the bottom layer to find approximate nearest neighbours.\n"},
        {"solr.txt", "SolrCloud splits a collection into shards and keeps replicas of each shard on several nodes, "
                + "so a query still answers when one node is down.\n"}};

    private List<Path> write(String[]... files) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String[] f : files) out.add(Files.writeString(docs.resolve(f[0]), f[1]));
        return out;
    }

    @Test
    void aQueryStreamAnswersEveryQueryWhileANodeStopsAndWritesContinueWhenItReturns() throws Exception {
        String uri = cluster.newZkUri("faults");
        CorpusSettings twoByTwo = new CorpusSettings("flat", null, false, 0, 0, "auto", 2, 2);
        try (CorpusWriter w = Corpora.openWriter(uri, embedder, twoByTwo)) {
            Ingestion.Report r = new Ingestion(w, embedder, null).run(write(FILES));
            assertThat(r.ingested()).isEqualTo(FILES.length);
            assertThat(r.failed()).isZero();
            w.commit();
        }
        cluster.mini().waitForActiveCollection(collection(uri), 2, 4);

        try (Retriever r = Corpora.open(uri)) {
            assertThat(r.about()).containsEntry("shards", 2).containsEntry("replicasPerShard", 2);
            // ask: retrieval on Solr, then the extractive answer cites the chunk it came from
            Answer a = new AskPipeline(r, embedder, null, new ExtractiveGenerator(embedder, null))
                    .ask("What does low-rank adaptation freeze?", AskPipeline.Options.defaults());
            assertThat(a.citations()).isNotEmpty();
            assertThat(a.citations().get(0).source()).endsWith("lora.md");
            assertThat(a.text()).contains("freezes the pretrained weights");

            String[] queries = {"shards replicas nodes", "proximity graph beam", "term frequency saturation",
                "low-rank matrices rank"};
            String[] expected = {"solr.txt", "hnsw.txt", "bm25.txt", "lora.md"};
            int answered = 0, failed = 0;
            List<String> errors = new ArrayList<>();
            JettySolrRunner stopped = null;
            for (int i = 0; i < 120; i++) {
                if (i == 40) stopped = cluster.mini().stopJettySolrRunner(0); // mid-stream, without warning the client
                RetrievalMode mode = RetrievalMode.values()[i % 3];
                try {
                    List<Hit> hits = r.search(SearchRequest.of(queries[i % 4], mode, 2), embedder).hits();
                    assertThat(hits).isNotEmpty();
                    assertThat(hits.get(0).chunk().source()).endsWith(expected[i % 4]);
                    answered++;
                } catch (RuntimeException | AssertionError e) {
                    failed++;
                    errors.add(i + " " + mode + ": " + e.getMessage());
                }
            }
            assertThat(errors).as("queries that failed").isEmpty();
            assertThat(answered).isEqualTo(120);
            assertThat(failed).isZero();

            cluster.mini().startJettySolrRunner(stopped, true);
            cluster.mini().waitForNode(stopped, 60);
            cluster.mini().waitForActiveCollection(collection(uri), 60, TimeUnit.SECONDS, 2, 4);
        }
        // writes continue with every replica back
        try (CorpusWriter w = Corpora.openWriter(uri, embedder, CorpusSettings.defaults())) {
            Ingestion.Report r = new Ingestion(w, embedder, null).run(write(new String[] {"ivf.txt",
                "IVF clusters vectors with k-means and scans only the nprobe nearest inverted lists.\n"}));
            assertThat(r.ingested()).isEqualTo(1);
            w.commit();
        }
        try (Retriever r = Corpora.open(uri)) {
            assertThat(r.sources()).hasSize(FILES.length + 1);
            List<Hit> hits = r.search(SearchRequest.of("inverted lists nprobe", RetrievalMode.BM25, 1), embedder).hits();
            assertThat(hits).singleElement().satisfies(h -> assertThat(h.chunk().source()).endsWith("ivf.txt"));
        }
    }

    @Test
    void aSolrThatIsNotThereIsOneClearErrorNamingTheUri() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, and nothing listens on it
        }
        for (String uri : List.of("solr://127.0.0.1:" + port + "/docs", "solr+http://127.0.0.1:" + port + "/solr/docs")) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Corpora.open(uri)).isInstanceOf(CorpusException.class)
                    .satisfies(e -> System.out.println("down: " + e.getMessage()))
                    .hasMessageContaining(uri).hasMessageContaining("is SolrCloud running")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThatThrownBy(() -> Corpora.openWriter(uri, embedder, CorpusSettings.defaults()))
                    .isInstanceOf(CorpusException.class).hasMessageContaining(uri);
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds to fail").isLessThan(40);
        }
    }

    private static String collection(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }
}
