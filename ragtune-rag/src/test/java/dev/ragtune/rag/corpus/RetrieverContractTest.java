package dev.ragtune.rag.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend behind the retrieval seam does, written once and run unchanged against each (as Lucene's
 * {@code BaseKnnVectorsFormatTestCase}): the local folder extends it in ragtune-rag, SolrCloud in ragtune-solr (this
 * class ships in ragtune-rag's test-jar). Chunks go in through {@link CorpusWriter#put} with a deterministic hashing
 * embedder, so every expectation below is computed by hand from the texts.
 */
public abstract class RetrieverContractTest {
    protected final Embedder embedder = new HashingEmbedder();
    private String location;

    /** A location where no corpus exists yet, unique to the running test. */
    protected abstract String newLocation() throws Exception;

    @BeforeEach
    void freshLocation() throws Exception {
        location = newLocation();
    }

    protected String location() {
        return location;
    }

    protected CorpusWriter writer() {
        return Corpora.openWriter(location, embedder, CorpusSettings.defaults());
    }

    protected Retriever reader() {
        return Corpora.open(location);
    }

    /** Puts one source of one document whose chunks are {@code texts}, all in {@code language}. */
    protected static List<StoredChunk> put(CorpusWriter w, Embedder e, String source, String docId, String language,
                                           String... texts) {
        List<StoredChunk> chunks = new ArrayList<>();
        List<Integer> ordinals = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < texts.length; i++) {
            Chunk c = new Chunk(docId + "#" + i, docId, source, i + 1, offset, offset + texts[i].length(), docId,
                    texts[i]);
            offset += texts[i].length() + 1;
            StoredChunk sc = new StoredChunk(w.nextOrdinal(), c, language);
            chunks.add(sc);
            ordinals.add(sc.ordinal());
        }
        float[][] vectors = e.embed(List.of(texts));
        w.put(new SourceEntry(source, "sha-" + source.hashCode() + "-" + texts.length, 100L * texts.length,
                List.of(docId), ordinals, w.chunkTokens() + "/" + w.overlapTokens(), "2026-01-01T00:00:00Z"),
                chunks, vectors);
        return chunks;
    }

    private void seed() {
        try (CorpusWriter w = writer()) {
            put(w, embedder, "/docs/relu.txt", "relu", "en",
                    "The ReLU activation returns zero for negative inputs.",
                    "Dropout randomly zeroes activations during training.");
            put(w, embedder, "/docs/lora.md", "lora", "en",
                    "LoRA freezes the pretrained weights and trains low-rank matrices.",
                    "The rank r of the update controls the number of trainable parameters.");
            put(w, embedder, "/docs/pt/regularizacao.md", "reg", "pt",
                    "A regularização L2 penaliza pesos grandes e reduz o overfitting.");
            w.commit();
        }
    }

    private SearchResult search(Retriever r, String q, RetrievalMode mode, int k, HitFilter filter) {
        return r.search(new SearchRequest(q, mode, k, 50, null, null, filter), embedder);
    }

    private static List<String> ids(SearchResult r) {
        return r.hits().stream().map(h -> h.chunk().id()).toList();
    }

    @Test
    void aCommittedCorpusCountsItsChunksSourcesAndIds() {
        seed();
        try (Retriever r = reader()) {
            assertThat(r.size()).isEqualTo(5);
            assertThat(r.sources()).extracting(SourceEntry::source)
                    .containsExactlyInAnyOrder("/docs/relu.txt", "/docs/lora.md", "/docs/pt/regularizacao.md");
            assertThat(r.chunkIds()).containsExactlyInAnyOrder("relu#0", "relu#1", "lora#0", "lora#1", "reg#0");
            assertThat(r.embedderId()).isEqualTo(embedder.id());
            assertThat(r.dimension()).isEqualTo(embedder.dimension());
            assertThat(r.description()).isNotBlank();
        }
    }

    @Test
    void sourcesRoundTripWithTheirHashOrdinalsAndChunking() {
        List<StoredChunk> put;
        try (CorpusWriter w = writer()) {
            put = put(w, embedder, "/docs/a.txt", "a", "en", "alpha beta gamma", "delta epsilon");
            w.commit();
        }
        try (Retriever r = reader()) {
            SourceEntry s = r.sources().get(0);
            assertThat(s.source()).isEqualTo("/docs/a.txt");
            assertThat(s.sha256()).isEqualTo("sha-" + "/docs/a.txt".hashCode() + "-2");
            assertThat(s.bytes()).isEqualTo(200);
            assertThat(s.docIds()).containsExactly("a");
            assertThat(s.ordinals()).containsExactly(put.get(0).ordinal(), put.get(1).ordinal());
            assertThat(s.chunking()).isEqualTo(CorpusSettings.DEFAULT_CHUNK_TOKENS + "/" + CorpusSettings.DEFAULT_OVERLAP);
        }
        try (CorpusWriter w = writer()) {
            assertThat(w.source("/docs/a.txt")).isNotNull();
            assertThat(w.docIds()).containsExactly("a");
            assertThat(w.nextOrdinal()).isGreaterThan(put.get(1).ordinal()); // ordinals are never reused
        }
    }

    @Test
    void changesAreInvisibleUntilCommitAndDiscardedWithoutOne() {
        seed();
        try (CorpusWriter w = writer()) {
            put(w, embedder, "/docs/new.txt", "new", "en", "Quokkas live on Rottnest Island.");
            try (Retriever r = reader()) {
                assertThat(search(r, "quokkas rottnest", RetrievalMode.BM25, 3, null).hits()).isEmpty();
            }
        } // closed without commit
        try (Retriever r = reader()) {
            assertThat(r.size()).isEqualTo(5);
            assertThat(search(r, "quokkas rottnest", RetrievalMode.BM25, 3, null).hits()).isEmpty();
        }
        try (CorpusWriter w = writer()) {
            put(w, embedder, "/docs/new.txt", "new", "en", "Quokkas live on Rottnest Island.");
            w.commit();
        }
        try (Retriever r = reader()) {
            assertThat(ids(search(r, "quokkas rottnest", RetrievalMode.BM25, 3, null))).containsExactly("new#0");
        }
    }

    @Test
    void bm25FindsOnlyChunksWithTheQueryTerms() {
        seed();
        try (Retriever r = reader()) {
            SearchResult res = search(r, "dropout", RetrievalMode.BM25, 5, null);
            assertThat(ids(res)).containsExactly("relu#1");
            assertThat(res.hits().get(0).score()).isPositive();
            assertThat(search(r, "zzzunknownword", RetrievalMode.BM25, 5, null).hits()).isEmpty();
        }
    }

    @Test
    void denseRanksTheChunkWhoseTextIsTheQueryFirstWithCosineOne() {
        seed();
        try (Retriever r = reader()) {
            String text = "The rank r of the update controls the number of trainable parameters.";
            SearchResult res = search(r, text, RetrievalMode.DENSE, 3, null);
            assertThat(res.hits()).hasSize(3);
            assertThat(res.hits().get(0).chunk().id()).isEqualTo("lora#1");
            assertThat(res.hits().get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertRankedDescending(res);
        }
    }

    @Test
    void hybridKeepsAChunkThatOnlyOneListFound() {
        seed();
        try (Retriever r = reader()) {
            SearchResult res = search(r, "overfitting regularização", RetrievalMode.HYBRID, 2, null);
            assertThat(ids(res)).first().isEqualTo("reg#0");
            assertThat(res.hits()).hasSizeLessThanOrEqualTo(2);
            assertRankedDescending(res);
        }
    }

    @Test
    void kBoundsTheHitsAndRanksStartAtOne() {
        seed();
        try (Retriever r = reader()) {
            for (RetrievalMode mode : RetrievalMode.values()) {
                SearchResult res = search(r, "the weights activations training", mode, 2, null);
                assertThat(res.hits()).as(mode.label()).hasSizeBetween(1, 2);
                for (int i = 0; i < res.hits().size(); i++) assertThat(res.hits().get(i).rank()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void replacingASourceDropsItsOldChunks() {
        seed();
        try (CorpusWriter w = writer()) {
            put(w, embedder, "/docs/lora.md", "lora", "en", "Adapters are merged into the base model after training.");
            w.commit();
        }
        try (Retriever r = reader()) {
            assertThat(r.size()).isEqualTo(4);
            assertThat(r.chunkIds()).contains("lora#0").doesNotContain("lora#1");
            assertThat(search(r, "low-rank matrices pretrained", RetrievalMode.BM25, 5, null).hits()).isEmpty();
            assertThat(ids(search(r, "merged adapters", RetrievalMode.BM25, 5, null))).containsExactly("lora#0");
            assertThat(r.sources().stream().filter(s -> s.source().equals("/docs/lora.md")).findFirst().orElseThrow()
                    .ordinals()).hasSize(1);
        }
    }

    @Test
    void removingASourceDropsItsChunksFromEveryMode() {
        seed();
        try (CorpusWriter w = writer()) {
            assertThat(w.remove("/docs/relu.txt")).isTrue();
            assertThat(w.remove("/docs/never-ingested.txt")).isFalse();
            w.commit();
        }
        try (Retriever r = reader()) {
            assertThat(r.size()).isEqualTo(3);
            assertThat(r.sources()).extracting(SourceEntry::source).doesNotContain("/docs/relu.txt");
            for (RetrievalMode mode : RetrievalMode.values()) {
                assertThat(ids(search(r, "ReLU dropout activations negative inputs", mode, 5, null)))
                        .as(mode.label()).doesNotContain("relu#0", "relu#1");
            }
        }
    }

    @Test
    void filtersRestrictBySourceFileNameDocumentAndLanguageInEveryMode() {
        seed();
        try (Retriever r = reader()) {
            String q = "weights training activations overfitting rank";
            for (RetrievalMode mode : RetrievalMode.values()) {
                assertThat(ids(search(r, q, mode, 5, new HitFilter(Set.of("/docs/lora.md"), null, null))))
                        .as(mode.label()).isNotEmpty().allMatch(id -> id.startsWith("lora#"));
                assertThat(ids(search(r, q, mode, 5, new HitFilter(Set.of("relu.txt"), null, null))))
                        .as(mode.label()).isNotEmpty().allMatch(id -> id.startsWith("relu#"));
                assertThat(ids(search(r, q, mode, 5, new HitFilter(null, Set.of("reg"), null))))
                        .as(mode.label()).containsExactly("reg#0");
                assertThat(ids(search(r, q, mode, 5, new HitFilter(null, null, Set.of("pt")))))
                        .as(mode.label()).containsExactly("reg#0");
                assertThat(ids(search(r, q, mode, 5, new HitFilter(Set.of("nope.txt"), null, null))))
                        .as(mode.label()).isEmpty();
            }
        }
    }

    @Test
    void aFilteredDenseSearchIsExactAmongThePassingChunks() {
        seed();
        try (Retriever r = reader()) {
            String text = "Dropout randomly zeroes activations during training.";
            SearchResult res = search(r, text, RetrievalMode.DENSE, 1, new HitFilter(null, Set.of("relu"), null));
            assertThat(ids(res)).containsExactly("relu#1");
            assertThat(res.hits().get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void searchAllAnswersEveryRequestInOrderAsASearchOfItsOwn() {
        seed();
        List<SearchRequest> requests = new ArrayList<>();
        String[] queries = {"The ReLU activation returns zero for negative inputs.", "low-rank matrices rank",
                "regularização overfitting", "dropout training"};
        for (String q : queries) {
            for (RetrievalMode mode : RetrievalMode.values()) {
                requests.add(new SearchRequest(q, mode, 2, 50, null, null, null));
                requests.add(new SearchRequest(q, mode, 4, 4, null, null, null));
                requests.add(new SearchRequest(q, mode, 3, 50, null, null, new HitFilter(null, Set.of("lora"), null)));
            }
        }
        try (Retriever r = reader()) {
            List<SearchResult> all = r.searchAll(requests, embedder);
            assertThat(all).hasSize(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                SearchResult one = r.search(requests.get(i), embedder);
                assertThat(all.get(i).query()).isEqualTo(requests.get(i).query());
                assertThat(all.get(i).mode()).isEqualTo(requests.get(i).mode());
                assertThat(ids(all.get(i))).as("request %d", i).isEqualTo(ids(one));
                assertThat(all.get(i).hits()).extracting(Hit::score)
                        .isEqualTo(one.hits().stream().map(Hit::score).toList());
                assertThat(all.get(i).totalMillis()).isGreaterThanOrEqualTo(0);
            }
            assertThat(r.searchAll(List.of(), embedder)).isEmpty();
            // bm25 only: no embedder needed, as for search
            assertThat(ids(r.searchAll(List.of(SearchRequest.of("dropout", RetrievalMode.BM25, 1)), null).get(0)))
                    .containsExactly("relu#1");
        }
    }

    @Test
    void anotherEmbedderIsRefusedForSearchingAndWriting() {
        seed();
        HashingEmbedder other = new HashingEmbedder("test/other-32", 32);
        try (Retriever r = reader()) {
            assertThatThrownBy(() -> r.search(SearchRequest.of("relu", RetrievalMode.DENSE, 3), other))
                    .isInstanceOf(CorpusException.class).hasMessageContaining(embedder.id());
        }
        assertThatThrownBy(() -> Corpora.openWriter(location, other, CorpusSettings.defaults()).close())
                .isInstanceOf(CorpusException.class).hasMessageContaining(embedder.id());
    }

    @Test
    void openingAMissingCorpusIsAnErrorThatSaysHowToMakeOne() {
        assertThat(Corpora.exists(location)).isFalse();
        assertThatThrownBy(this::reader).isInstanceOf(CorpusException.class)
                .hasMessageContaining("ragtune ingest");
    }

    private static void assertRankedDescending(SearchResult res) {
        List<Float> scores = res.hits().stream().map(Hit::score).toList();
        for (int i = 1; i < scores.size(); i++) assertThat(scores.get(i)).isLessThanOrEqualTo(scores.get(i - 1));
    }
}
