package dev.ragtune.rag.testsupport;

import dev.ragtune.rag.embed.Embedder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 vectors of a known set of texts, embedded once in one batch (disk-cached by
 * {@link MiniLmTestEmbeddings}); a text outside the set is embedded on demand. Lets a test ask thousands of
 * questions without re-embedding the same sentences.
 */
public final class PrecomputedEmbedder implements Embedder {
    private final Map<String, float[]> vectors = new HashMap<>();

    public PrecomputedEmbedder(java.util.Collection<String> texts) {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(texts));
        float[][] v = MiniLmTestEmbeddings.embed(unique);
        for (int i = 0; i < v.length; i++) vectors.put(unique.get(i), v[i]);
    }

    @Override
    public String id() {
        return "sentence-transformers/all-MiniLM-L6-v2";
    }

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public int maxTokens() {
        return 256;
    }

    @Override
    public int count(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    @Override
    public float[][] embed(List<String> texts) {
        List<String> missing = new ArrayList<>();
        for (String t : texts) if (!vectors.containsKey(t)) missing.add(t);
        if (!missing.isEmpty()) {
            float[][] v = MiniLmTestEmbeddings.embed(missing);
            for (int i = 0; i < v.length; i++) vectors.put(missing.get(i), v[i]);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = vectors.get(texts.get(i));
        return out;
    }

    @Override
    public void close() {
    }
}
