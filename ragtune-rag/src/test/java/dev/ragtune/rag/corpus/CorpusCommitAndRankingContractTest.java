package dev.ragtune.rag.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * More of what every backend owes the seam, beside {@link RetrieverContractTest} and run unchanged against each
 * backend the same way (a subclass says where a fresh corpus lives, and may say how one is made): visibility across
 * writers and readers, an aborted writer, exact dense scores, the per-language BM25 analyzers, and hybrid fusion with
 * exact dense scores for lexical-only hits, each computed here from the {@link HashingEmbedder}'s vectors.
 * In ragtune-rag's test-jar; the folder and SolrCloud backends extend it.
 */
public abstract class CorpusCommitAndRankingContractTest {
    protected final HashingEmbedder embedder = new HashingEmbedder();

    /** A location where no corpus exists yet, different on every call. */
    protected abstract String newLocation();

    /** Settings a new corpus is made with (backends may add shards/replicas). */
    protected CorpusSettings settings() {
        return CorpusSettings.defaults();
    }

    protected CorpusWriter writer(String location) {
        return Corpora.openWriter(location, embedder, settings());
    }

    /** Puts one source of one document whose chunks have these texts; returns the chunks as stored. */
    protected List<StoredChunk> put(CorpusWriter w, String source, String docId, String language, String... texts) {
        return RetrieverContractTest.put(w, embedder, source, docId, language, texts);
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    private static SearchResultIds search(Retriever r, String query, RetrievalMode mode, int k, HitFilter filter,
                                          Embedder e) {
        SearchRequest req = new SearchRequest(query, mode, k, HybridFusion.candidatesFor(k), SearchParams.DEFAULTS, null,
                filter);
        return new SearchResultIds(r.search(req, e).hits());
    }

    private record SearchResultIds(List<Hit> hits) {
        List<String> ids() {
            return CorpusCommitAndRankingContractTest.ids(hits);
        }
    }

    private static final String[] ZOO = {
        "the zebra grazes on the savanna grass at dawn",
        "a giraffe stretches its long neck toward acacia leaves",
        "lions rest in the shade during the hottest hours"};
    private static final String[] SPACE = {
        "the telescope captured a distant spiral galaxy",
        "astronauts repaired the station's solar panels in orbit"};
    private static final String[] COZINHA = {
        "a feijoada leva feijão preto, carne de porco e laranja",
        "o pão de queijo nasceu em Minas Gerais com polvilho azedo"};

    /** Puts the standard sets named (zoo, space: English; cozinha: Portuguese) as /data/NAME.txt and commits. */
    private void commit(String loc, String... sets) {
        try (CorpusWriter w = writer(loc)) {
            for (String set : sets) {
                switch (set) {
                    case "zoo" -> put(w, "/data/zoo.txt", "zoo", "en", ZOO);
                    case "space" -> put(w, "/data/space.txt", "space", "en", SPACE);
                    case "cozinha" -> put(w, "/data/cozinha.txt", "cozinha", "pt", COZINHA);
                    default -> throw new IllegalArgumentException(set);
                }
            }
            w.commit();
        }
    }

    @Test
    void aMissingCorpusIsAClearErrorAndExistsOnlyAfterTheFirstCommit() {
        String loc = newLocation();
        assertThat(Corpora.exists(loc)).isFalse();
        assertThatThrownBy(() -> Corpora.open(loc)).isInstanceOf(CorpusException.class).hasMessageContaining("ingest");
        commit(loc, "zoo");
        assertThat(Corpora.exists(loc)).isTrue();
    }

    @Test
    void aPutIsInvisibleUntilCommitThenFoundByBm25AndByDenseWithTheExactTopHit() {
        String loc = newLocation();
        commit(loc, "zoo");
        try (CorpusWriter w = writer(loc)) {
            List<StoredChunk> space = put(w, "/data/space.txt", "space", "en", SPACE);
            try (Retriever before = Corpora.open(loc)) {
                assertThat(before.size()).isEqualTo(ZOO.length);
                assertThat(search(before, "telescope galaxy", RetrievalMode.BM25, 5, HitFilter.NONE, null).hits()).isEmpty();
                assertThat(search(before, SPACE[0], RetrievalMode.DENSE, 10, HitFilter.NONE, embedder).ids())
                        .doesNotContain("space#0", "space#1");
            }
            w.commit();
            try (Retriever after = Corpora.open(loc)) {
                assertThat(after.size()).isEqualTo(ZOO.length + SPACE.length);
                List<Hit> bm25 = search(after, "telescope galaxy", RetrievalMode.BM25, 5, HitFilter.NONE, null).hits();
                assertThat(ids(bm25)).containsExactly("space#0");
                Hit top = bm25.get(0);
                assertThat(top.chunk()).isEqualTo(space.get(0).chunk());
                assertThat(top.ordinal()).isEqualTo(space.get(0).ordinal());

                List<Hit> dense = search(after, SPACE[1], RetrievalMode.DENSE, 3, HitFilter.NONE, embedder).hits();
                assertThat(dense).hasSize(3);
                assertThat(dense.get(0).chunk().id()).isEqualTo("space#1");
                assertThat(dense.get(0).score()).isCloseTo(1.0f, within(1e-4f)); // the query is the chunk's own text
                assertThat(dense.get(0).chunk()).isEqualTo(space.get(1).chunk());
                for (int i = 1; i < dense.size(); i++) {
                    assertThat(dense.get(i).score()).isLessThanOrEqualTo(dense.get(i - 1).score());
                }
            }
        }
    }

    @Test
    void denseScoresAreTheInnerProductsOfTheStoredVectors() {
        String loc = newLocation();
        commit(loc, "zoo", "space");
        String query = "a long neck in the shade of the galaxy";
        float[] q = embedder.embed(query);
        Map<String, Double> expected = new HashMap<>();
        String[][] all = {ZOO, SPACE};
        String[] docs = {"zoo", "space"};
        for (int d = 0; d < all.length; d++) {
            float[][] v = embedder.embed(List.of(all[d]));
            for (int i = 0; i < v.length; i++) expected.put(docs[d] + "#" + i, dot(q, v[i]));
        }
        try (Retriever r = Corpora.open(loc)) {
            List<Hit> hits = search(r, query, RetrievalMode.DENSE, 5, HitFilter.NONE, embedder).hits();
            assertThat(hits).hasSize(5);
            for (Hit h : hits) assertThat((double) h.score()).isCloseTo(expected.get(h.chunk().id()), within(1e-4));
        }
    }

    @Test
    void replacingASourceDropsItsOldChunks() {
        String loc = newLocation();
        commit(loc, "zoo", "space");
        try (CorpusWriter w = writer(loc)) {
            put(w, "/data/zoo.txt", "zoo", "en", "penguins huddle together against the antarctic wind");
            w.commit();
        }
        try (Retriever r = Corpora.open(loc)) {
            assertThat(r.size()).isEqualTo(1 + SPACE.length);
            assertThat(r.chunkIds()).containsExactlyInAnyOrder("zoo#0", "space#0", "space#1");
            assertThat(search(r, "zebra giraffe lions", RetrievalMode.BM25, 5, HitFilter.NONE, null).hits()).isEmpty();
            List<Hit> hits = search(r, "penguins antarctic", RetrievalMode.HYBRID, 5, HitFilter.NONE, embedder).hits();
            assertThat(hits.get(0).chunk().text()).contains("penguins");
            assertThat(ids(hits)).doesNotHaveDuplicates();
            assertThat(r.sources()).extracting(SourceEntry::source).containsExactlyInAnyOrder("/data/zoo.txt",
                    "/data/space.txt");
        }
    }

    @Test
    void removingASourceDropsItsChunksAndItsEntry() {
        String loc = newLocation();
        commit(loc, "zoo", "space");
        try (CorpusWriter w = writer(loc)) {
            assertThat(w.remove("/data/space.txt")).isTrue();
            assertThat(w.remove("/data/nowhere.txt")).isFalse();
            assertThat(w.source("/data/space.txt")).isNull();
            w.commit();
        }
        try (Retriever r = Corpora.open(loc)) {
            assertThat(r.size()).isEqualTo(ZOO.length);
            assertThat(r.sources()).extracting(SourceEntry::source).containsExactly("/data/zoo.txt");
            assertThat(search(r, "telescope galaxy astronauts", RetrievalMode.BM25, 5, HitFilter.NONE, null).hits()).isEmpty();
            assertThat(search(r, SPACE[0], RetrievalMode.DENSE, 10, HitFilter.NONE, embedder).ids())
                    .allMatch(id -> id.startsWith("zoo#"));
        }
    }

    @Test
    void filtersRestrictHitsBySourceFileNameDocAndLanguageInEveryMode() {
        String loc = newLocation();
        try (CorpusWriter w = writer(loc)) {
            put(w, "/data/a/zoo.txt", "zoo", "en", ZOO);
            put(w, "/data/b/space.txt", "space", "en", SPACE);
            put(w, "/data/b/cozinha.txt", "cozinha", "pt", COZINHA);
            w.commit();
        }
        Map<HitFilter, Set<String>> cases = new LinkedHashMap<>();
        cases.put(new HitFilter(Set.of("/data/b/space.txt"), null, null), Set.of("space"));
        cases.put(new HitFilter(Set.of("zoo.txt"), null, null), Set.of("zoo"));
        cases.put(new HitFilter(null, Set.of("cozinha", "zoo"), null), Set.of("cozinha", "zoo"));
        cases.put(new HitFilter(null, null, Set.of("pt")), Set.of("cozinha"));
        cases.put(new HitFilter(Set.of("space.txt", "zoo.txt"), null, Set.of("en")), Set.of("space", "zoo"));
        cases.put(new HitFilter(Set.of("zoo.txt"), null, Set.of("pt")), Set.of());
        // words from every document, so each mode has something to find in every subset
        String query = "zebra galaxy feijoada queijo telescope giraffe";
        try (Retriever r = Corpora.open(loc)) {
            for (Map.Entry<HitFilter, Set<String>> c : cases.entrySet()) {
                for (RetrievalMode mode : RetrievalMode.values()) {
                    List<Hit> hits = search(r, query, mode, 10, c.getKey(), embedder).hits();
                    Set<String> docs = hits.stream().map(h -> h.chunk().docId()).collect(Collectors.toSet());
                    assertThat(docs).as("%s %s", mode, c.getKey()).isEqualTo(c.getValue());
                }
            }
        }
    }

    @Test
    void bm25AnalyzesEachChunkInItsLanguage() {
        String loc = newLocation();
        commit(loc, "zoo", "cozinha");
        try (Retriever r = Corpora.open(loc)) {
            // English stemming: "grazing" and "stretched" meet "grazes" and "stretches"
            assertThat(search(r, "grazing", RetrievalMode.BM25, 3, HitFilter.NONE, null).ids()).containsExactly("zoo#0");
            assertThat(search(r, "stretched", RetrievalMode.BM25, 3, HitFilter.NONE, null).ids()).containsExactly("zoo#1");
            // Brazilian stemming: "queijos" meets "queijo"
            assertThat(search(r, "queijos", RetrievalMode.BM25, 3, HitFilter.NONE, null).ids()).containsExactly("cozinha#1");
            // stop words alone find nothing
            assertThat(search(r, "the of and", RetrievalMode.BM25, 3, HitFilter.NONE, null).hits()).isEmpty();
        }
    }

    @Test
    void hybridRanksByTheFusedScoreWithExactDenseScoresForLexicalOnlyHits() {
        String loc = newLocation();
        commit(loc, "zoo", "space", "cozinha");
        String query = "zebra galaxy in the shade";
        HybridFusion fusion = new HybridFusion(0.4);
        try (Retriever r = Corpora.open(loc)) {
            // each side of hybrid reads 3 candidates only: lexical-only hits need their exact dense score
            SearchRequest req = new SearchRequest(query, RetrievalMode.HYBRID, 3, 3, SearchParams.DEFAULTS, fusion, null);
            List<Hit> hybrid = r.search(req, embedder).hits();
            List<Hit> bm25 = r.search(new SearchRequest(query, RetrievalMode.BM25, 3, 3, SearchParams.DEFAULTS, null,
                    null), null).hits();
            assertThat(bm25).isNotEmpty();
            double bmax = bm25.get(0).score();
            Map<String, Double> lexical = new HashMap<>();
            for (Hit h : bm25) lexical.put(h.chunk().id(), h.score() / bmax);
            float[] q = embedder.embed(query);
            List<Hit> dense = r.search(new SearchRequest(query, RetrievalMode.DENSE, 3, 3, SearchParams.DEFAULTS, null,
                    null), embedder).hits();
            Map<String, Double> expected = new HashMap<>();
            for (Hit h : dense) expected.put(h.chunk().id(), 0.4 * h.score() + 0.6 * lexical.getOrDefault(h.chunk().id(), 0.0));
            for (Hit h : bm25) {
                double d = dot(q, embedder.embed(h.chunk().text()));
                expected.putIfAbsent(h.chunk().id(), 0.4 * d + 0.6 * lexical.get(h.chunk().id()));
            }
            List<String> order = expected.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(Map.Entry::getKey).limit(3).toList();
            assertThat(ids(hybrid)).isEqualTo(order);
            for (Hit h : hybrid) assertThat((double) h.score()).isCloseTo(expected.get(h.chunk().id()), within(1e-4));
            for (int i = 0; i < hybrid.size(); i++) assertThat(hybrid.get(i).rank()).isEqualTo(i + 1);
        }
    }

    @Test
    void sourcesAndSettingsRoundTripThroughAReopenedWriterAndReader() {
        String loc = newLocation();
        List<SourceEntry> written;
        int next;
        try (CorpusWriter w = writer(loc)) {
            put(w, "/data/zoo.txt", "zoo", "en", ZOO);
            put(w, "/data/cozinha.txt", "cozinha", "pt", COZINHA);
            written = w.sources();
            w.commit();
            next = w.nextOrdinal();
        }
        try (Retriever r = Corpora.open(loc)) {
            assertThat(r.sources()).containsExactlyInAnyOrderElementsOf(written);
            assertThat(r.embedderId()).isEqualTo(embedder.id());
            assertThat(r.dimension()).isEqualTo(embedder.dimension());
            assertThat(r.size()).isEqualTo(ZOO.length + COZINHA.length);
            assertThat(r.chunkIds()).containsExactlyInAnyOrder("zoo#0", "zoo#1", "zoo#2", "cozinha#0", "cozinha#1");
            assertThat(r.about()).isNotEmpty();
            assertThat(r.description()).isNotBlank();
            assertThat(r.location()).isEqualTo(loc);
        }
        try (CorpusWriter w = writer(loc)) {
            assertThat(w.sources()).containsExactlyInAnyOrderElementsOf(written);
            assertThat(w.source("/data/zoo.txt")).isEqualTo(written.stream()
                    .filter(s -> s.source().equals("/data/zoo.txt")).findFirst().orElseThrow());
            assertThat(w.docIds()).containsExactlyInAnyOrder("zoo", "cozinha");
            assertThat(w.chunkTokens()).isEqualTo(CorpusSettings.DEFAULT_CHUNK_TOKENS);
            assertThat(w.overlapTokens()).isEqualTo(CorpusSettings.DEFAULT_OVERLAP);
            assertThat(w.language()).isEqualTo("auto");
            assertThat(w.nextOrdinal()).as("ordinals are never reused").isGreaterThanOrEqualTo(ZOO.length + COZINHA.length);
            assertThat(next).isGreaterThanOrEqualTo(ZOO.length + COZINHA.length);
        }
    }

    @Test
    void closingAWriterWithoutCommitLeavesTheCommittedStateAndReleasesTheWriter() {
        String loc = newLocation();
        commit(loc, "zoo");
        try (CorpusWriter w = writer(loc)) {
            put(w, "/data/space.txt", "space", "en", SPACE);
            put(w, "/data/zoo.txt", "zoo", "en", "penguins huddle together against the antarctic wind");
            // no commit
        }
        try (CorpusWriter w = writer(loc)) {
            assertThat(w.sources()).extracting(SourceEntry::source).containsExactly("/data/zoo.txt");
            put(w, "/data/cozinha.txt", "cozinha", "pt", COZINHA);
            w.commit();
        }
        try (Retriever r = Corpora.open(loc)) {
            assertThat(r.chunkIds()).containsExactlyInAnyOrder("zoo#0", "zoo#1", "zoo#2", "cozinha#0", "cozinha#1");
            assertThat(search(r, "telescope penguins", RetrievalMode.BM25, 5, HitFilter.NONE, null).hits()).isEmpty();
        }
    }

    @Test
    void anotherEmbedderIsRefusedForWritingAndForDenseSearch() {
        String loc = newLocation();
        commit(loc, "zoo");
        HashingEmbedder other = new HashingEmbedder("test/other-32", 32);
        assertThatThrownBy(() -> Corpora.openWriter(loc, other, settings()).close())
                .isInstanceOf(CorpusException.class).hasMessageContaining("test/other-32").hasMessageContaining(embedder.id());
        try (Retriever r = Corpora.open(loc)) {
            for (RetrievalMode mode : List.of(RetrievalMode.DENSE, RetrievalMode.HYBRID)) {
                assertThatThrownBy(() -> r.search(SearchRequest.of("zebra", mode, 3), other))
                        .isInstanceOf(CorpusException.class).hasMessageContaining("--embedder");
            }
            assertThat(search(r, "zebra", RetrievalMode.BM25, 3, HitFilter.NONE, null).ids()).containsExactly("zoo#0");
        }
        // the refused writer left the corpus writable
        try (CorpusWriter w = writer(loc)) {
            assertThat(w.sources()).hasSize(1);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
