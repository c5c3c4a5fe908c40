package dev.ragtune.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ContentRetriever over a real local collection of the SQuAD paper (PDF, pages) and PEFT's quick tour: it returns
 * what ragtune's own search returns, in the same order, with the chunk's source, page and id as metadata.
 */
class RagtuneContentRetrieverTest {
    static final String PDF = "squad-1606.05250v3.pdf";
    static final String MD = "peft-quicktour.md";
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static Retriever retriever;

    @BeforeAll
    static void ingest() throws IOException {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        for (String name : List.of(PDF, MD)) {
            try (InputStream in = RagtuneContentRetrieverTest.class.getResourceAsStream("/docs/" + name)) {
                Files.copy(in, docs.resolve(name)); // test documents of ragtune-rag's test-jar (see its ATTRIBUTION.md)
            }
        }
        String location = tmp.resolve("col").toString();
        try (CorpusWriter w = Corpora.openWriter(location, embedder, CorpusSettings.defaults())) {
            new Ingestion(w, embedder, new Ingestion.Listener() {}).run(List.of(docs));
            w.commit();
        }
        retriever = Corpora.open(location);
    }

    @AfterAll
    static void close() {
        retriever.close();
        embedder.close();
    }

    @Test
    void contentsAreRagtunesHitsInOrderWithSourcePageAndChunkIdAsMetadata() {
        String q = "How many question-answer pairs does SQuAD contain and where do the passages come from?";
        var retrieverOf3 = new RagtuneContentRetriever(retriever, embedder, SearchRequest.of("-", RetrievalMode.HYBRID, 3));

        List<Content> contents = retrieverOf3.retrieve(Query.from(q));
        List<Hit> hits = retriever.search(SearchRequest.of(q, RetrievalMode.HYBRID, 3), embedder).hits();

        assertThat(contents).hasSize(3);
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            Content c = contents.get(i);
            assertThat(c.textSegment().text()).isEqualTo(h.chunk().text());
            assertThat(c.textSegment().metadata().getString(RagtuneContentRetriever.CHUNK_ID)).isEqualTo(h.chunk().id());
            assertThat(c.textSegment().metadata().getString(RagtuneContentRetriever.SOURCE)).isEqualTo(h.chunk().source());
            assertThat(c.textSegment().metadata().getInteger(RagtuneContentRetriever.PAGE)).isEqualTo(h.chunk().page());
            assertThat((Double) c.metadata().get(ContentMetadata.SCORE)).isEqualTo((double) h.score());
        }
        // the question is about the paper: the best passage is a page of the PDF (pages count from 1)
        assertThat(contents.get(0).textSegment().metadata().getString(RagtuneContentRetriever.SOURCE)).endsWith(PDF);
        assertThat(contents.get(0).textSegment().metadata().getInteger(RagtuneContentRetriever.PAGE)).isPositive();
        assertThat(contents.get(0).textSegment().text()).containsIgnoringCase("Wikipedia");
    }

    @Test
    void theSearchFilterKeepsContentsToTheNamedFile() {
        var onlyPeft = new RagtuneContentRetriever(retriever, embedder, SearchRequest.of("-", RetrievalMode.HYBRID, 4)
                .withFilter(new HitFilter(Set.of(MD), Set.of(), Set.of())));

        List<Content> contents = onlyPeft.retrieve(Query.from("What does SQuAD stand for?"));

        assertThat(contents).isNotEmpty().allSatisfy(c ->
                assertThat(c.textSegment().metadata().getString(RagtuneContentRetriever.SOURCE)).endsWith(MD));
    }

    @Test
    void bm25NeedsNoEmbedderAndFindsTheExactTerm() {
        var bm25 = new RagtuneContentRetriever(retriever, null, SearchRequest.of("-", RetrievalMode.BM25, 1));

        List<Content> contents = bm25.retrieve(Query.from("LoraConfig task_type"));

        assertThat(contents).hasSize(1);
        assertThat(contents.get(0).textSegment().text()).contains("LoraConfig");
        assertThat(contents.get(0).textSegment().metadata().getString(RagtuneContentRetriever.SOURCE)).endsWith(MD);
    }

    @Test
    void anEmbedderOtherThanTheCollectionsIsRefusedAtOnce() {
        assertThatThrownBy(() -> RagtuneContentRetriever.hybrid(retriever, new HashingEmbedder(), 2))
                .isInstanceOf(CorpusException.class).hasMessageContaining("was built with embedder");
    }
}
