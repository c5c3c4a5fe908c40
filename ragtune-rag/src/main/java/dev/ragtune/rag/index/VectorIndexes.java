package dev.ragtune.rag.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Creates and opens {@link VectorIndex}es by kind name ({@code flat}, {@code ivf}, {@code hnsw}). */
public final class VectorIndexes {
    private VectorIndexes() {}

    /**
     * A new empty index.
     *
     * @param kind   {@code flat}, {@code ivf} or {@code hnsw}
     * @param params kind-specific build parameters as strings; unknown keys are an error. flat: none;
     *               ivf: {@code nlist}, {@code nprobe}, {@code seed} (see {@link IvfIndex});
     *               hnsw: {@code m} (16), {@code beamWidth} (100), {@code ef} (100, query-time default)
     */
    public static VectorIndex create(String kind, int dim, Map<String, String> params) {
        Map<String, String> p = params == null ? Map.of() : params;
        switch (normalize(kind)) {
            case FlatIndex.KIND:
                IndexParams.reject(p, FlatIndex.KIND);
                return new FlatIndex(dim);
            case IvfIndex.KIND:
                return new IvfIndex(dim, p);
            case HnswIndex.KIND:
                return HnswIndex.create(dim, p);
            default:
                throw new IllegalArgumentException("unknown index kind '" + kind + "'; use flat, ivf or hnsw");
        }
    }

    /** Opens the index saved in {@code dir}; its kind is read from {@code dir/index.json}. */
    public static VectorIndex open(Path dir) throws IOException {
        IndexMeta meta = IndexFolder.readMeta(dir);
        switch (meta.kind()) {
            case FlatIndex.KIND:
                return FlatIndex.open(dir);
            case IvfIndex.KIND:
                return IvfIndex.open(dir);
            case HnswIndex.KIND:
                return HnswIndex.open(dir);
            default:
                throw new CorruptIndexException("index file " + dir.resolve(IndexMeta.FILE_NAME) + " names unknown kind '"
                        + meta.kind() + "'; " + IndexFolder.REBUILD);
        }
    }

    private static String normalize(String kind) {
        if (kind == null) throw new IllegalArgumentException("index kind is null; use flat, ivf or hnsw");
        return kind.trim().toLowerCase(Locale.ROOT);
    }
}
