package dev.ragtune.solr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.PrecomputedEmbedder;
import dev.ragtune.rag.eval.RetrievalMetrics;
import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.MiniLmTestEmbeddings;
import dev.ragtune.rag.testsupport.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the same chunks (the 1,048 paragraphs of the SQuAD v1.1 dev subset, all-MiniLM-L6-v2 vectors) and the same 500
 * questions, SolrCloud (2 shards: HNSW per shard, BM25 with collection-wide statistics) retrieves as the local flat
 * (exact) backend: hit@5 of hybrid within 0.01, BM25 hit@5 equal, dense within HNSW recall.
 */
@ExtendWith(SolrCluster.class)
class SolrMatchesLocalRetrievalTest {
    private static final int QUESTIONS = 500;

    @TempDir Path tmp;

    @Test
    void hybridHitAt5OnSquadEqualsTheLocalFlatBackendsWithinHnswRecall(SolrCluster cluster) {
        SquadDataset set = TestData.load(TestData.SQUAD);
        List<SquadDataset.Paragraph> paragraphs = set.paragraphs();
        List<SquadDataset.Question> questions = set.questions().subList(0, QUESTIONS);
        List<String> ptexts = paragraphs.stream().map(SquadDataset.Paragraph::text).toList();
        List<String> qtexts = questions.stream().map(SquadDataset.Question::text).toList();
        float[][] pv = MiniLmTestEmbeddings.embed(ptexts);
        List<String> all = new ArrayList<>(ptexts);
        all.addAll(qtexts);
        float[][] qv = MiniLmTestEmbeddings.embed(qtexts);
        float[][] both = new float[all.size()][];
        System.arraycopy(pv, 0, both, 0, pv.length);
        System.arraycopy(qv, 0, both, pv.length, qv.length);
        PrecomputedEmbedder embedder = new PrecomputedEmbedder("sentence-transformers/all-MiniLM-L6-v2", all, both);

        String local = tmp.resolve("local").toString();
        String solr = cluster.newZkUri("squad");
        fill(local, embedder, CorpusSettings.defaults(), paragraphs, pv);
        fill(solr, embedder, new CorpusSettings("flat", null, false, 0, 0, "en", 2, 1), paragraphs, pv);

        List<String> gold = questions.stream().map(SquadDataset.Question::paragraphId).toList();
        Map<RetrievalMode, List<List<String>>> localRuns = new EnumMap<>(RetrievalMode.class);
        Map<RetrievalMode, List<List<String>>> solrRuns = new EnumMap<>(RetrievalMode.class);
        int sameBm25Top5 = 0, sameHybridTop5 = 0;
        try (Retriever l = Corpora.open(local); Retriever s = Corpora.open(solr)) {
            assertThat(s.size()).isEqualTo(l.size()).isEqualTo(paragraphs.size());
            for (RetrievalMode mode : RetrievalMode.values()) {
                List<List<String>> lr = new ArrayList<>(), sr = new ArrayList<>();
                for (String q : qtexts) {
                    SearchRequest req = SearchRequest.of(q, mode, 5);
                    List<String> a = ids(l.search(req, embedder).hits());
                    List<String> b = ids(s.search(req, embedder).hits());
                    lr.add(a);
                    sr.add(b);
                    if (a.equals(b) && mode == RetrievalMode.BM25) sameBm25Top5++;
                    if (a.equals(b) && mode == RetrievalMode.HYBRID) sameHybridTop5++;
                }
                localRuns.put(mode, lr);
                solrRuns.put(mode, sr);
            }
        }
        for (RetrievalMode mode : RetrievalMode.values()) {
            RetrievalMetrics a = RetrievalMetrics.of(localRuns.get(mode), gold);
            RetrievalMetrics b = RetrievalMetrics.of(solrRuns.get(mode), gold);
            System.out.printf(Locale.ROOT, "%-6s hit@1 local %.3f solr %.3f   hit@5 local %.3f solr %.3f%n", mode.label(),
                    a.hitAt1(), b.hitAt1(), a.hitAt5(), b.hitAt5());
            double tolerance = mode == RetrievalMode.BM25 ? 0 : 0.01;
            assertThat(b.hitAt5()).as(mode + " hit@5").isCloseTo(a.hitAt5(), org.assertj.core.api.Assertions.within(tolerance));
            assertThat(b.hitAt1()).as(mode + " hit@1").isCloseTo(a.hitAt1(), org.assertj.core.api.Assertions.within(tolerance));
        }
        System.out.printf(Locale.ROOT, "identical top-5 lists: BM25 %d/%d, hybrid %d/%d%n", sameBm25Top5, QUESTIONS,
                sameHybridTop5, QUESTIONS);
        // BM25 is exact on both sides (same analyzers, collection-wide statistics): the lists agree but for float ties
        assertThat(sameBm25Top5).isGreaterThanOrEqualTo(QUESTIONS * 99 / 100);
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    private static void fill(String location, PrecomputedEmbedder embedder, CorpusSettings settings,
                             List<SquadDataset.Paragraph> paragraphs, float[][] pv) {
        try (CorpusWriter w = Corpora.openWriter(location, embedder, settings)) {
            List<StoredChunk> chunks = new ArrayList<>();
            List<Integer> ordinals = new ArrayList<>();
            for (SquadDataset.Paragraph p : paragraphs) {
                StoredChunk c = new StoredChunk(w.nextOrdinal(), new Chunk(p.id(), p.id(), "/squad/dev-part1.json", 0, 0,
                        p.text().length(), p.title(), p.text()), "en");
                chunks.add(c);
                ordinals.add(c.ordinal());
            }
            w.put(new SourceEntry("/squad/dev-part1.json", "-", 0, paragraphs.stream().map(SquadDataset.Paragraph::id)
                    .toList(), ordinals, "200/32", "2026-01-01T00:00:00Z"), chunks, pv);
            w.commit();
        }
    }
}
