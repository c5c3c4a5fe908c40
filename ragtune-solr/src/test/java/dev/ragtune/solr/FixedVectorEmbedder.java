package dev.ragtune.solr;

import dev.ragtune.rag.embed.Embedder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedder that answers from vectors computed beforehand (all-MiniLM-L6-v2 through the test-jar's
 * MiniLmTestEmbeddings), so two backends are searched with bit-identical query vectors; an unknown text is an error.
 */
final class FixedVectorEmbedder implements Embedder {
    private final Map<String, float[]> vectors = new HashMap<>();
    private final int dimension;

    FixedVectorEmbedder(List<String> texts, float[][] v) {
        for (int i = 0; i < v.length; i++) vectors.put(texts.get(i), v[i]);
        this.dimension = v[0].length;
    }

    @Override
    public String id() {
        return "sentence-transformers/all-MiniLM-L6-v2";
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return 256;
    }

    @Override
    public int count(String text) {
        return text.split("\\s+").length;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors.get(texts.get(i));
            if (out[i] == null) throw new IllegalArgumentException("no vector computed for '" + texts.get(i) + "'");
        }
        return out;
    }

    @Override
    public void close() {
    }
}
