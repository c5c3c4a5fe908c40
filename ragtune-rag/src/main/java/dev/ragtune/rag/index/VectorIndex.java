package dev.ragtune.rag.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A maximum-inner-product index over float vectors keyed by non-negative int ids.
 *
 * <p>Sharp edge: scores are raw inner products. They equal cosine similarity only when both the stored vectors and
 * the query are L2-normalized, which {@code Embedder}s guarantee; vectors from elsewhere must be normalized first.
 */
public interface VectorIndex extends AutoCloseable {
    /** {@code flat}, {@code ivf} or {@code hnsw}. */
    String kind();

    int dimension();

    /** Number of live (not removed) vectors. */
    int size();

    /** Adds vectors; {@code ids[i]} names {@code vectors[i]}. An id already present is an error. */
    void add(int[] ids, float[][] vectors);

    /** Removes the vectors with these ids; unknown ids are ignored. */
    void remove(int[] ids);

    /** The k nearest live vectors by inner product, best first. */
    List<Neighbor> search(float[] query, int k, SearchParams params);

    /**
     * {@link #search} for each of {@code queries}, in order: element i equals {@code search(queries[i], k, params)}.
     * This default searches one query after the other; an index with a faster batched path (the flat index's blocked
     * queries × vectors product) overrides it and may run on the fork-join pool it is called from.
     */
    default List<List<Neighbor>> searchAll(float[][] queries, int k, SearchParams params) {
        List<List<Neighbor>> out = new java.util.ArrayList<>(queries.length);
        for (float[] q : queries) out.add(search(q, k, params));
        return out;
    }

    /** Writes the index into {@code dir} atomically (temp files, then rename): a crash leaves the old one intact. */
    void save(Path dir) throws IOException;

    @Override
    void close();
}
