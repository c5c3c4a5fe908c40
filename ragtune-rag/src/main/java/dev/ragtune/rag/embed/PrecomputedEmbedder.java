package dev.ragtune.rag.embed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedder that answers from vectors computed beforehand (e.g. an {@code .fvecs} file of a benchmark), so several
 * backends are searched with bit-identical query vectors and no model runs; a text it was not given is an error.
 * Vectors are returned as given: they must already be L2-normalized.
 */
public final class PrecomputedEmbedder implements Embedder {
    private final String id;
    private final int dimension;
    private final Map<String, float[]> byText = new HashMap<>();

    /** @param vectors row-aligned with {@code texts}, all of one dimension */
    public PrecomputedEmbedder(String id, List<String> texts, float[][] vectors) {
        if (texts.size() != vectors.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + vectors.length + " vectors");
        }
        if (vectors.length == 0) throw new IllegalArgumentException("no vectors given");
        this.id = id;
        this.dimension = vectors[0].length;
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dimension) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + vectors[i].length + ", not " + dimension);
            }
            byText.put(texts.get(i), vectors[i].clone());
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return Integer.MAX_VALUE;
    }

    /** Whitespace-separated words: there is no tokenizer behind the vectors. */
    @Override
    public int count(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = byText.get(texts.get(i));
            if (v == null) throw new IllegalArgumentException("no vector was computed for the text '" + texts.get(i) + "'");
            out[i] = v.clone();
        }
        return out;
    }

    @Override
    public void close() {
    }
}
