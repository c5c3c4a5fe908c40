package dev.ragtune.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A LangChain4j {@link ContentRetriever} over a ragtune {@link Retriever}: each query is a ragtune search (dense, BM25
 * or hybrid, with its filter), each hit a {@link Content} whose segment's metadata names where the text came from
 * ({@value #SOURCE}, {@value #PAGE}, {@value #CHUNK_ID}, {@value #DOC_ID}, {@value #TITLE}) and whose
 * {@link ContentMetadata#SCORE} is the hit's score. The retriever stays the caller's to close.
 */
public final class RagtuneContentRetriever implements ContentRetriever {
    public static final String SOURCE = "source";
    public static final String PAGE = "page";
    public static final String CHUNK_ID = "chunk_id";
    public static final String DOC_ID = "doc_id";
    public static final String TITLE = "title";

    private final Retriever retriever;
    private final Embedder embedder;
    private final SearchRequest search;

    /**
     * @param embedder the corpus's embedder (checked against it); may be null for {@code bm25}
     * @param search   mode, k, fusion and filter of every search; its query is replaced by each query's text
     */
    public RagtuneContentRetriever(Retriever retriever, Embedder embedder, SearchRequest search) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.search = Objects.requireNonNull(search, "search");
        if (search.mode() != RetrievalMode.BM25) {
            Objects.requireNonNull(embedder, "embedder: dense and hybrid search embed the query");
            retriever.requireEmbedder(embedder);
        }
        this.embedder = embedder;
    }

    /** Hybrid search for the {@code k} best chunks, no filter. */
    public static RagtuneContentRetriever hybrid(Retriever retriever, Embedder embedder, int k) {
        return new RagtuneContentRetriever(retriever, embedder, SearchRequest.of("-", RetrievalMode.HYBRID, k));
    }

    @Override
    public List<Content> retrieve(Query query) {
        Objects.requireNonNull(query, "query");
        if (query.text() == null || query.text().isBlank()) return List.of();
        List<Hit> hits = retriever.search(search.withQuery(query.text()), embedder).hits();
        List<Content> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(Content.from(TextSegment.from(h.chunk().text(), metadata(h.chunk())),
                    Map.of(ContentMetadata.SCORE, (double) h.score())));
        }
        return out;
    }

    static Metadata metadata(Chunk c) {
        return new Metadata().put(SOURCE, c.source()).put(PAGE, c.page()).put(CHUNK_ID, c.id()).put(DOC_ID, c.docId())
                .put(TITLE, c.title());
    }
}
