package dev.ragtune.rag.corpus;

import java.util.Set;

/**
 * Restricts a search to some chunks, as Lucene's and jvector's searchers take a filter on every search. Each set that
 * is empty places no restriction; the conditions of non-empty sets all must hold.
 *
 * @param sources   ingested files: a chunk passes when its source equals one of them or its file name does
 * @param docIds    document ids
 * @param languages BM25 languages ({@code en}, {@code pt})
 */
public record HitFilter(Set<String> sources, Set<String> docIds, Set<String> languages) {
    /** Lets every chunk pass. */
    public static final HitFilter NONE = new HitFilter(Set.of(), Set.of(), Set.of());

    public HitFilter {
        sources = sources == null ? Set.of() : Set.copyOf(sources);
        docIds = docIds == null ? Set.of() : Set.copyOf(docIds);
        languages = languages == null ? Set.of() : Set.copyOf(languages);
        for (String s : sources) requireText(s, "source");
        for (String s : docIds) requireText(s, "doc id");
        for (String s : languages) requireText(s, "language");
    }

    private static void requireText(String s, String what) {
        if (s.isBlank()) throw new IllegalArgumentException("a filter " + what + " is empty");
    }

    /** True when no chunk is filtered out. */
    public boolean isEmpty() {
        return sources.isEmpty() && docIds.isEmpty() && languages.isEmpty();
    }

    /** Whether a chunk passes. */
    public boolean accepts(StoredChunk c) {
        if (!docIds.isEmpty() && !docIds.contains(c.chunk().docId())) return false;
        if (!languages.isEmpty() && !languages.contains(c.language())) return false;
        return sources.isEmpty() || sources.contains(c.chunk().source()) || sources.contains(fileName(c.chunk().source()));
    }

    /** The last segment of a path or URI (what a filter may name instead of the full source). */
    public static String fileName(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return slash < 0 ? source : source.substring(slash + 1);
    }
}
