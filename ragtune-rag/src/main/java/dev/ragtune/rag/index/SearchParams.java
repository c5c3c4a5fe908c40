package dev.ragtune.rag.index;

/**
 * Query-time knobs of approximate indexes; each index reads the ones it knows and ignores the rest.
 *
 * @param nprobe IVF: how many inverted lists to scan (0 = the index's default)
 * @param ef     HNSW: beam width at query time (0 = the index's default)
 */
public record SearchParams(int nprobe, int ef) {
    public static final SearchParams DEFAULTS = new SearchParams(0, 0);

    public SearchParams {
        if (nprobe < 0) throw new IllegalArgumentException("nprobe must be >= 0, was " + nprobe);
        if (ef < 0) throw new IllegalArgumentException("ef must be >= 0, was " + ef);
    }
}
