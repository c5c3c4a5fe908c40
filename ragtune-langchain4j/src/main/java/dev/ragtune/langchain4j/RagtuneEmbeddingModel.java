package dev.ragtune.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.ragtune.rag.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} over a ragtune {@link Embedder}: the same (L2-normalized) vectors ragtune
 * stores, so a LangChain4j embedding store filled with it can be searched with ragtune's query vectors and back.
 * The token count is the embedder's own tokenizer's, capped at its input length. The embedder stays the caller's.
 */
public final class RagtuneEmbeddingModel implements EmbeddingModel {
    private final Embedder embedder;

    public RagtuneEmbeddingModel(Embedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        Objects.requireNonNull(segments, "segments");
        if (segments.isEmpty()) return Response.from(List.of(), new TokenUsage(0));
        List<String> texts = new ArrayList<>(segments.size());
        int tokens = 0;
        for (TextSegment s : segments) {
            texts.add(s.text());
            tokens += Math.min(embedder.count(s.text()), embedder.maxTokens());
        }
        float[][] vectors = embedder.embed(texts);
        List<Embedding> out = new ArrayList<>(vectors.length);
        for (float[] v : vectors) out.add(Embedding.from(v));
        return Response.from(out, new TokenUsage(tokens));
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public String modelName() {
        return embedder.id();
    }
}
