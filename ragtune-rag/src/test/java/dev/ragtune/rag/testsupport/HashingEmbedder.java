package dev.ragtune.rag.testsupport;

import dev.ragtune.rag.embed.Embedder;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic bag-of-words embedder (signed feature hashing of lower-cased words, L2-normalized) for testing the
 * collection's bookkeeping quickly; it counts how many texts it was asked to embed.
 */
public final class HashingEmbedder implements Embedder {
    private static final Pattern WORD = Pattern.compile("\\p{L}+|\\p{N}+");
    private final String id;
    private final int dimension;
    public final AtomicInteger embedded = new AtomicInteger();

    public HashingEmbedder(String id, int dimension) {
        this.id = id;
        this.dimension = dimension;
    }

    public HashingEmbedder() {
        this("test/hashing-64", 64);
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
        return 512;
    }

    @Override
    public int count(String text) {
        int n = 0;
        Matcher m = WORD.matcher(text);
        while (m.find()) n++;
        return n;
    }

    @Override
    public float[][] embed(List<String> texts) {
        embedded.addAndGet(texts.size());
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = new float[dimension];
            Matcher m = WORD.matcher(texts.get(i).toLowerCase(Locale.ROOT));
            while (m.find()) {
                int h = m.group().hashCode();
                v[Math.floorMod(h, dimension)] += (h & 0x40000000) != 0 ? 1f : -1f;
            }
            double norm = 0;
            for (float x : v) norm += x * x;
            if (norm == 0) v[0] = 1;
            else for (int j = 0; j < v.length; j++) v[j] /= (float) Math.sqrt(norm);
            out[i] = v;
        }
        return out;
    }

    @Override
    public void close() {
    }
}
