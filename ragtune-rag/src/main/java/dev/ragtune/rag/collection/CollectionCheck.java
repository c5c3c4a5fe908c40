package dev.ragtune.rag.collection;

import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.index.VectorIndex;
import dev.ragtune.rag.index.VectorIndexes;
import dev.ragtune.rag.lexical.Bm25Index;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ragtune check}: everything a collection's files promise, verified without changing a byte. The files'
 * sizes and checksums (all bytes with {@code deep}), the counts across manifest, chunks, vectors, sources and both
 * indexes, and that each index answers for a sample of stored chunks: the dense index finds each sampled vector
 * with the score its stored vector gives, the BM25 index holds each sampled chunk and finds it by its own words.
 */
public final class CollectionCheck {
    /** Share of sampled chunks an approximate index (ivf, hnsw) or BM25 may fail to rank in its top 10. */
    static final double MISS_ALLOWANCE = 0.05;
    private static final int DEPTH = 10;

    /**
     * What a check found.
     *
     * @param problems one line per damaged or inconsistent thing, naming the file and the repair; empty when intact
     * @param notes    what was checked, and things worth knowing that are not damage
     * @param reingest files whose chunks or vectors are damaged: the index repair cannot restore them
     */
    public record Report(Path dir, long generation, List<String> problems, List<String> notes, List<String> reingest) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private CollectionCheck() {}

    /**
     * Checks the committed generation of {@code dir}.
     *
     * @param deep   read all bytes of every file (else the files Lucene reads lazily only get their sizes checked)
     * @param sample how many stored chunks each index must answer for (spread evenly over the collection)
     */
    public static Report run(Path dir, boolean deep, int sample) {
        if (sample < 0) throw new IllegalArgumentException("sample must be >= 0, was " + sample);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> reingest = new LinkedHashSet<>();
        if (!Collection.exists(dir)) {
            problems.add("no collection at " + dir + ": it has no manifest.json");
            return new Report(dir, -1, problems, notes, List.of());
        }
        Layout layout = new Layout(dir);
        Manifest manifest;
        try {
            manifest = Collection.readManifest(layout);
        } catch (CollectionException e) {
            problems.add(e.getMessage());
            return new Report(dir, -1, problems, notes, List.of());
        }
        long gen = manifest.generation();
        if (manifest.files() == null) {
            notes.add("format " + manifest.format() + ": no checksums recorded; 'ragtune ingest --collection " + dir
                    + " --reindex' rewrites it in format " + Manifest.FORMAT + " with them");
        } else {
            notes.add(manifest.files().size() + " files " + (deep ? "read whole" : "sized (files read whole on open: "
                    + "checksummed)") + " against the manifest's CRC32C");
        }
        List<String> damage = Checksums.verify(layout, manifest, deep ? Checksums.Depth.ALL_BYTES : Checksums.Depth.OPEN);
        problems.addAll(damage);
        boolean truthDamaged = damage.stream().anyMatch(p -> p.startsWith(layout.chunks(gen).toString())
                || p.startsWith(layout.vectors(gen).toString()) || p.startsWith(layout.sources(gen).toString()));
        List<SourceEntry> sources = null;
        try {
            sources = Collection.readSources(layout.sources(gen));
        } catch (CollectionException e) {
            problems.add(e.getMessage());
        }
        ChunkTable table = null;
        try {
            table = ChunkTable.read(layout.chunks(gen), layout.vectors(gen), manifest.embedder().dimension(),
                    Collection.JSON);
        } catch (CollectionException e) {
            problems.add(e.getMessage());
            truthDamaged = true;
        }
        if (truthDamaged || sources == null) {
            if (sources != null) sources.forEach(s -> reingest.add(s.source()));
            return new Report(dir, gen, problems, notes, List.copyOf(reingest));
        }
        for (SourceEntry s : sources) {
            if (s.partial()) {
                notes.add(s.source() + " is partly ingested (" + s.ordinals().size() + " chunks): ingest it again to "
                        + "finish it");
            }
        }
        List<String> counts = Consistency.of(layout, manifest, table, sources);
        problems.addAll(counts);
        boolean denseDamaged = damage.stream().anyMatch(p -> p.startsWith(layout.dense(gen) + java.io.File.separator));
        boolean bm25Damaged = damage.stream().anyMatch(p -> p.startsWith(layout.bm25(gen) + java.io.File.separator));
        int[] rows = sampleRows(table.size(), sample);
        String rebuild = "rebuild it with 'ragtune ingest --collection " + dir + " --reindex'";
        if (!denseDamaged) {
            try (VectorIndex dense = VectorIndexes.open(layout.dense(gen))) {
                if (dense.size() != table.size()) {
                    problems.add("dense index " + layout.dense(gen) + " holds " + dense.size() + " vectors but the "
                            + "collection " + table.size() + "; " + rebuild);
                }
                checkDense(layout, manifest, table, dense, rows, problems, notes, rebuild);
            } catch (IOException | RuntimeException e) {
                problems.add("dense index " + layout.dense(gen) + " cannot be opened (" + e.getMessage() + "); " + rebuild);
            }
        }
        if (!bm25Damaged) {
            Bm25Index lexical = null;
            try {
                lexical = Bm25Index.openForSearch(layout.bm25(gen));
                if (lexical.size() != table.size()) {
                    problems.add("BM25 index " + layout.bm25(gen) + " holds " + lexical.size() + " documents but the "
                            + "collection " + table.size() + "; " + rebuild);
                }
                checkLexical(table, lexical, rows, problems, notes, rebuild);
            } catch (IOException | RuntimeException e) {
                problems.add("BM25 index " + layout.bm25(gen) + " cannot be opened (" + e.getMessage() + "); " + rebuild);
            } finally {
                if (lexical != null) {
                    try {
                        lexical.close();
                    } catch (IOException e) {
                        notes.add("closing the BM25 index failed: " + e.getMessage());
                    }
                }
            }
        }
        return new Report(dir, gen, problems, notes, List.of());
    }

    /** {@code n} row numbers spread evenly over {@code size} rows (all of them when there are fewer). */
    static int[] sampleRows(int size, int n) {
        int count = Math.min(size, n);
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = (int) ((long) i * size / count);
        return rows;
    }

    private static void checkDense(Layout layout, Manifest manifest, ChunkTable table, VectorIndex dense, int[] rows,
                                   List<String> problems, List<String> notes, String rebuild) {
        int missed = 0;
        int wrongScores = 0;
        for (int row : rows) {
            StoredChunk c = table.rows().get(row);
            float[] v = table.vector(c.ordinal());
            boolean found = false;
            for (Neighbor n : dense.search(v, DEPTH, SearchParams.DEFAULTS)) {
                float[] stored = table.vector(n.id());
                if (stored == null || Math.abs(HybridFusion.denseScore(v, stored) - n.score()) > Collection.SCORE_TOLERANCE) wrongScores++;
                if (n.id() == c.ordinal()) found = true;
            }
            if (!found) missed++;
        }
        String where = "dense index " + layout.dense(manifest.generation());
        if (wrongScores > 0) {
            problems.add(where + " returns " + wrongScores + " hit(s) whose score disagrees with the stored vector or "
                    + "that name no stored chunk; " + rebuild);
        }
        boolean exact = "flat".equals(dense.kind());
        if (missed > (exact ? 0 : (int) Math.floor(rows.length * MISS_ALLOWANCE))) {
            problems.add(where + " does not find " + missed + " of " + rows.length + " sampled stored vectors in its top "
                    + DEPTH + "; " + rebuild);
        } else {
            notes.add(where + " (" + dense.kind() + ") found " + (rows.length - missed) + " of " + rows.length
                    + " sampled stored vectors");
        }
    }

    private static void checkLexical(ChunkTable table, Bm25Index lexical, int[] rows,
                                     List<String> problems, List<String> notes, String rebuild) {
        int absent = 0;
        int missed = 0;
        for (int row : rows) {
            StoredChunk c = table.rows().get(row);
            if (!lexical.contains(c.ordinal())) {
                absent++;
                continue;
            }
            String words = firstWords(c.chunk().text(), 32);
            if (lexical.search(words, DEPTH).stream().noneMatch(n -> n.id() == c.ordinal())) missed++;
        }
        if (absent > 0) {
            problems.add("BM25 index lacks " + absent + " of " + rows.length + " sampled chunks; " + rebuild);
        }
        if (missed > (int) Math.floor(rows.length * MISS_ALLOWANCE)) {
            problems.add("BM25 index does not find " + missed + " of " + rows.length + " sampled chunks by their own "
                    + "words; " + rebuild);
        } else if (absent == 0) {
            notes.add("BM25 index holds all " + rows.length + " sampled chunks and found " + (rows.length - missed)
                    + " by their own words");
        }
    }

    private static String firstWords(String text, int n) {
        String[] words = text.trim().split("\\s+");
        return String.join(" ", java.util.Arrays.asList(words).subList(0, Math.min(n, words.length)));
    }
}
