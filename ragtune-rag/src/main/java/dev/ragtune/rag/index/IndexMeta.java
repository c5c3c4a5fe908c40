package dev.ragtune.rag.index;

import java.util.Map;
import java.util.Objects;

/**
 * Contents of an index folder's {@code index.json}: what kind of index lives there and which data files hold it.
 *
 * @param format    file-format version, {@link #FORMAT}
 * @param kind      {@code flat}, {@code ivf} or {@code hnsw}
 * @param dimension vector length
 * @param count     live vectors saved
 * @param params    build parameters of the index (kind-specific, as strings)
 * @param files     logical name (e.g. {@code vectors}) to file name inside the folder
 */
public record IndexMeta(int format, String kind, int dimension, int count, Map<String, String> params,
                        Map<String, String> files) {
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "index.json";

    public IndexMeta {
        Objects.requireNonNull(kind, "kind");
        params = params == null ? Map.of() : Map.copyOf(params);
        files = files == null ? Map.of() : Map.copyOf(files);
    }
}
