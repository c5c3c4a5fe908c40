package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionSettings;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.rerank.Reranker;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ask pipeline end to end with the real all-MiniLM-L6-v2 on real documents: the lecture's four sentences and the
 * PEFT quick tour (see src/test/resources/answer/ATTRIBUTION.md).
 */
class AskPipelineTest {
    static final String QUESTION = "Como reduzir overfitting em redes neurais?";
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static Collection collection;

    @BeforeAll
    static void ingest() throws IOException {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        for (String f : List.of("aula-redes-neurais.jsonl", "peft-quicktour.md")) {
            try (InputStream in = AskPipelineTest.class.getResourceAsStream("/answer/" + f)) {
                Files.copy(in, docs.resolve(f));
            }
        }
        Path dir = tmp.resolve("col");
        try (CollectionWriter w = CollectionWriter.open(dir, embedder,
                new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto"))) {
            Ingestion.Report r = new Ingestion(w, embedder, null).run(List.of(docs));
            assertThat(r.failed()).isZero();
            w.commit();
        }
        collection = Collection.open(dir);
    }

    @AfterAll
    static void close() {
        collection.close();
        embedder.close();
    }

    static AskPipeline.Options options(int k) {
        return new AskPipeline.Options(k, 20, RetrievalMode.HYBRID, SearchParams.DEFAULTS, false, PromptTemplate.DEFAULT);
    }

    @Test
    void extractiveAnswerToTheLectureQuestionQuotesAndCitesTheL2Chunk() {
        Answer a = new AskPipeline(collection, embedder, null, new ExtractiveGenerator(embedder, null)).ask(QUESTION, options(2));
        assertThat(a.mode()).isEqualTo("extractive");
        assertThat(a.text()).isEqualTo("A regularização L2 penaliza pesos grandes somando à perda o quadrado da norma dos "
                + "pesos, o que reduz o overfitting em redes neurais.");
        assertThat(a.attribution()).isEqualTo("extractive");
        assertThat(a.citations()).singleElement().satisfies(c -> {
            assertThat(c.chunkId()).isEqualTo("aula/regularizacao-l2#0");
            assertThat(c.source()).endsWith("aula-redes-neurais.jsonl");
        });
        assertThat(a.contexts()).hasSize(2);
        assertThat(a.prompt().text()).startsWith("Use apenas o contexto dado para responder com objetividade.")
                .contains("[1] ").contains("[2] ").endsWith("Pergunta: " + QUESTION + "\nResposta:");
        assertThat(a.timings().embed()).isPositive();
        assertThat(a.timings().generate()).isPositive();
        assertThat(a.timings().total()).isGreaterThanOrEqualTo(a.timings().embed() + a.timings().search() + a.timings().generate());
    }

    @Test
    void theModelsOwnMarkersBecomeCitationsOfChunksThatWereInThePrompt() {
        WhitespaceGenerator g = new WhitespaceGenerator(512, r -> "Use regularização L2 [1]; veja também [9].");
        Answer a = new AskPipeline(collection, embedder, null, g).ask(QUESTION, options(2));
        assertThat(a.attribution()).isEqualTo("cited");
        assertThat(a.text()).isEqualTo("Use regularização L2;veja também.".replace(";", "; "));
        assertThat(a.citations()).extracting(Citation::chunkId).containsExactly(a.contexts().get(0).hit().chunk().id());
    }

    @Test
    void anUncitedAnswerIsAttributedByWordOverlapAndSaysSo() {
        WhitespaceGenerator g = new WhitespaceGenerator(512, r -> "penalizar pesos grandes com regularização L2");
        Answer a = new AskPipeline(collection, embedder, null, g).ask(QUESTION, options(2));
        assertThat(a.attribution()).isEqualTo("overlap");
        assertThat(a.citations()).extracting(Citation::chunkId).containsExactly("aula/regularizacao-l2#0");
    }

    @Test
    void noRagAsksTheSameGeneratorWithoutContexts() {
        WhitespaceGenerator g = new WhitespaceGenerator(512, r -> "Não sei.");
        Answer a = new AskPipeline(collection, embedder, null, g).ask(QUESTION,
                new AskPipeline.Options(2, 20, RetrievalMode.HYBRID, SearchParams.DEFAULTS, true, PromptTemplate.DEFAULT));
        assertThat(a.mode()).isEqualTo("no-rag");
        assertThat(a.contexts()).isEmpty();
        assertThat(g.last.prompt()).isEqualTo("Responda com objetividade.\n\nPergunta: " + QUESTION + "\nResposta:");
        assertThatThrownBy(() -> new AskPipeline(collection, embedder, null, new ExtractiveGenerator(embedder, null))
                .ask(QUESTION, new AskPipeline.Options(2, 20, RetrievalMode.HYBRID, null, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model");
    }

    @Test
    void aSmallModelInputForcesCompressionThatKeepsTheRelevantSentence() {
        List<Integer> seen = new ArrayList<>();
        WhitespaceGenerator g = new WhitespaceGenerator(60, r -> {
            seen.add(r.contexts().size());
            return "";
        });
        Answer a = new AskPipeline(collection, embedder, null, g).ask("What does LoRA train in the PEFT quicktour?", options(4));
        assertThat(a.prompt().compressed()).isTrue();
        assertThat(a.prompt().tokens()).isLessThanOrEqualTo(56);
        assertThat(a.warnings()).anyMatch(w -> w.contains("did not fit"));
        assertThat(a.contexts()).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(c.hit().chunk().text().length()));
    }

    @Test
    void badQuestionsGetClearErrorsAndHugeOnesAreCutWithAWarning() {
        AskPipeline p = new AskPipeline(collection, embedder, null, new ExtractiveGenerator(embedder, null));
        assertThatThrownBy(() -> p.ask("  ", options(2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        Answer huge = p.ask("overfitting ".repeat(10_000), options(2));
        assertThat(huge.warnings()).anyMatch(w -> w.contains("10000 words"));
        assertThat(huge.text()).isNotEmpty();
    }

    @Test
    void aCrossEncoderReordersTheCandidatesByItsScores() throws URISyntaxException {
        Path dir = Path.of(AskPipelineTest.class.getResource("/golden/cross-encoder-tiny").toURI());
        try (Reranker reranker = CrossEncoderReranker.load(dir)) {
            Answer a = new AskPipeline(collection, embedder, reranker, new ExtractiveGenerator(embedder, null)).ask(QUESTION, options(3));
            assertThat(a.timings().rerank()).isPositive();
            float[] scores = reranker.score(QUESTION, a.contexts().stream().map(c -> c.hit().chunk().text()).toList());
            for (int i = 0; i < scores.length; i++) assertThat(a.contexts().get(i).score()).isEqualTo(scores[i]);
            for (int i = 1; i < scores.length; i++) assertThat(scores[i - 1]).isGreaterThanOrEqualTo(scores[i]);
        }
    }
}
