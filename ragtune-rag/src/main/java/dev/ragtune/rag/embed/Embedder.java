package dev.ragtune.rag.embed;

import dev.ragtune.rag.document.TokenCounter;
import java.util.List;

/**
 * Turns texts into fixed-size vectors for dense retrieval.
 *
 * <p>Sharp edge: every vector returned is L2-normalized, so inner product equals cosine similarity. Indexes rely on
 * this; a new implementation must normalize too, or inner-product search silently ranks by vector length.
 *
 * <p>Implementations hold native resources (ONNX sessions): close them.
 */
public interface Embedder extends TokenCounter, AutoCloseable {
    /** Identifies the model, e.g. {@code sentence-transformers/all-MiniLM-L6-v2}; stored in a collection's manifest. */
    String id();

    /** Length of every vector. */
    int dimension();

    /** Longest input in tokens (special tokens included); longer texts are truncated. */
    int maxTokens();

    /** Embeds a batch; the result has one L2-normalized vector per text, in order. */
    float[][] embed(List<String> texts);

    /** Embeds one text. */
    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    @Override
    void close();
}
