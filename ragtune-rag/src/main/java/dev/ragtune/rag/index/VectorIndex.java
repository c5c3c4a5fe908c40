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

    /** Writes the index into {@code dir} atomically (temp files, then rename): a crash leaves the old one intact. */
    void save(Path dir) throws IOException;

    @Override
    void close();
}
