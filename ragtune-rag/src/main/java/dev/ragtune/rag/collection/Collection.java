package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.index.VectorIndex;
import dev.ragtune.rag.index.VectorIndexes;
import dev.ragtune.rag.lexical.Bm25Index;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A committed collection opened for reading: its chunks, vectors, dense index and BM25 index, all of the generation
 * the manifest names. Opening takes no lock, so searches run while another process ingests; they see the state of
 * the last commit.
 */
public final class Collection implements Retriever {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Layout layout;
    private final Manifest manifest;
    private final ChunkTable table;
    private final List<SourceEntry> sources;
    private final VectorIndex dense;
    private final Bm25Index lexical;

    private Collection(Layout layout, Manifest manifest, ChunkTable table, List<SourceEntry> sources, VectorIndex dense,
                       Bm25Index lexical) {
        this.layout = layout;
        this.manifest = manifest;
        this.table = table;
        this.sources = sources;
        this.dense = dense;
        this.lexical = lexical;
    }

    /** True when {@code dir} holds a collection (a manifest). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("manifest.json"));
    }

    /** Opens the last committed generation; a missing folder or manifest is an error saying how to make one. */
    public static Collection open(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new CollectionException("no collection at " + dir + ": the folder does not exist. Create one with "
                    + "'ragtune ingest --collection " + dir + " FILES...'");
        }
        if (!exists(dir)) {
            throw new CollectionException("no collection at " + dir + ": it has no manifest.json. Create one with "
                    + "'ragtune ingest --collection " + dir + " FILES...'");
        }
        Layout layout = new Layout(dir);
        Manifest manifest = readManifest(layout);
        requireIntact(layout, manifest, Checksums.verify(layout, manifest, Checksums.Depth.OPEN));
        long gen = manifest.generation();
        ChunkTable table = ChunkTable.read(layout.chunks(gen), layout.vectors(gen), manifest.embedder().dimension(), JSON);
        List<SourceEntry> sources = readSources(layout.sources(gen));
        requireIntact(layout, manifest, Consistency.of(layout, manifest, table, sources));
        VectorIndex dense = null;
        Bm25Index lexical = null;
        try {
            dense = VectorIndexes.open(layout.dense(gen));
            lexical = Bm25Index.openForSearch(layout.bm25(gen));
            requireIntact(layout, manifest, Consistency.ofIndexes(layout, manifest, table, dense.size(), lexical.size()));
            return new Collection(layout, manifest, table, sources, dense, lexical);
        } catch (IOException | RuntimeException e) {
            if (dense != null) dense.close();
            closeQuietly(lexical, e);
            if (e instanceof CollectionException ce) throw ce;
            throw new CollectionException("cannot open the indexes of collection " + dir + ": " + e.getMessage()
                    + "; rebuild them with 'ragtune ingest --collection " + dir + " --reindex'", e);
        }
    }

    /** Throws the first problem (with a pointer to {@code ragtune check} when there are more); nothing when none. */
    static void requireIntact(Layout layout, Manifest manifest, List<String> problems) {
        if (problems.isEmpty()) return;
        String more = problems.size() == 1 ? "" : " (" + (problems.size() - 1) + " more problem(s): run 'ragtune check "
                + "--collection " + layout.dir() + "')";
        throw new CollectionException("collection " + layout.dir() + " (generation " + manifest.generation() + "): "
                + problems.get(0) + more);
    }

    static void closeQuietly(Bm25Index index, Exception primary) {
        if (index == null) return;
        try {
            index.close();
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    static Manifest readManifest(Layout layout) {
        return readManifest(layout, false);
    }

    /**
     * Reads and validates the manifest.
     *
     * @param forRepair accept a manifest whose own checksum does not match (its counts are about to be rewritten from
     *                  the chunk table; the files it lists must still match their checksums)
     */
    static Manifest readManifest(Layout layout, boolean forRepair) {
        try {
            Manifest m = JSON.readValue(layout.manifest().toFile(), Manifest.class);
            if (m.format() != Manifest.FORMAT && m.format() != Manifest.FORMAT_WITHOUT_CHECKSUMS) {
                throw new CollectionException("collection " + layout.dir() + " has format " + m.format()
                        + "; this ragtune reads formats " + Manifest.FORMAT_WITHOUT_CHECKSUMS + " and " + Manifest.FORMAT
                        + ": use the ragtune that wrote it, or re-ingest the files into a new collection");
            }
            if (m.format() == Manifest.FORMAT && (m.files() == null
                    || (!forRepair && !Checksums.ofManifest(m).equals(m.checksum())))) {
                throw new CollectionException("manifest " + layout.manifest() + " is damaged or was edited by hand (its "
                        + "checksum does not match its content); if only counts were changed, 'ragtune ingest --collection "
                        + layout.dir() + " --reindex' rewrites it, else re-ingest the files into a new collection");
            }
            return m;
        } catch (IOException e) {
            throw new CollectionException("manifest " + layout.manifest() + " is unreadable (" + e.getMessage()
                    + "); the collection is damaged: re-ingest into a new collection", e);
        }
    }

    static List<SourceEntry> readSources(Path file) {
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<SourceEntry>>() {});
        } catch (IOException e) {
            throw new CollectionException("source list " + file + " is unreadable (" + e.getMessage()
                    + "); the collection is damaged: re-ingest into a new collection", e);
        }
    }

    public Path dir() {
        return layout.dir();
    }

    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<SourceEntry> sources() {
        return sources;
    }

    /** Number of chunks. */
    @Override
    public int size() {
        return table.size();
    }

    /** All chunks in storage order. */
    public List<StoredChunk> chunks() {
        return table.rows();
    }

    /** The chunk with this ordinal, or null. */
    public StoredChunk chunk(int ordinal) {
        return table.byOrdinal(ordinal);
    }

    /** The stored (L2-normalized) vector of a chunk, or null. */
    public float[] vector(int ordinal) {
        return table.vector(ordinal);
    }

    @Override
    public Set<String> chunkIds() {
        Set<String> ids = new HashSet<>();
        for (StoredChunk c : table.rows()) ids.add(c.chunk().id());
        return ids;
    }

    @Override
    public Map<String, Object> about() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", "folder");
        m.put("location", location());
        m.putAll(JSON.convertValue(manifest, new TypeReference<LinkedHashMap<String, Object>>() {}));
        return m;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%,d chunks, index %s", size(), manifest.index().kind());
    }

    @Override
    public String location() {
        return layout.dir().toString();
    }

    /** True when {@code manifest.json} names another generation than the one open (or is gone or unreadable). */
    @Override
    public boolean stale() {
        try {
            return JSON.readTree(layout.manifest().toFile()).path("generation").asLong(-1) != manifest.generation();
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String embedderId() {
        return manifest.embedder().id();
    }

    @Override
    public int dimension() {
        return manifest.embedder().dimension();
    }

    /** Searches with this fusion (null: the default) and no filter; see {@link #search(SearchRequest, Embedder)}. */
    public SearchResult search(String query, RetrievalMode mode, int k, int candidates, SearchParams params,
                               Embedder embedder, HybridFusion fusion) {
        return search(new SearchRequest(query, mode, k, candidates, params, fusion, null), embedder);
    }

    /** Searches with default fusion and no filter; see {@link #search(SearchRequest, Embedder)}. */
    public SearchResult search(String query, RetrievalMode mode, int k, int candidates, SearchParams params,
                               Embedder embedder) {
        return search(new SearchRequest(query, mode, k, candidates, params, null, null), embedder);
    }

    /**
     * Searches the collection. With a filter, the dense side is an exact scan of the passing chunks' stored vectors
     * and the BM25 side a Lucene query restricted to their ordinals, so a filter never loses a hit to approximation.
     *
     * @param embedder the collection's embedder (checked); may be null for {@link RetrievalMode#BM25}
     */
    @Override
    public SearchResult search(SearchRequest request, Embedder embedder) {
        long t0 = System.nanoTime();
        float[] q = null;
        if (request.mode() != RetrievalMode.BM25) {
            Objects.requireNonNull(embedder, "embedder");
            requireEmbedder(embedder);
            q = embedder.embed(request.query());
        }
        long t1 = System.nanoTime();
        return searchEmbedded(request, q, null, (t1 - t0) / 1e6, 0, t1);
    }

    /**
     * Searches many queries sharing work: the dense queries are embedded in one batch, and those without a filter that
     * ask the same depth and knobs go through the index's {@link VectorIndex#searchAll} (the flat index's blocked
     * queries × vectors product). Each result equals {@link #search}'s for its request up to the float rounding of
     * the batched embedding; its embed and dense times are its equal share of the batch's.
     */
    @Override
    public List<SearchResult> searchAll(List<SearchRequest> requests, Embedder embedder) {
        int n = requests.size();
        long t0 = System.nanoTime();
        List<Integer> denseAt = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (requests.get(i).mode() != RetrievalMode.BM25) {
                denseAt.add(i);
                texts.add(requests.get(i).query());
            }
        }
        float[][] vectors = new float[n][];
        if (!texts.isEmpty()) {
            Objects.requireNonNull(embedder, "embedder");
            requireEmbedder(embedder);
            float[][] embedded = embedder.embed(texts);
            for (int j = 0; j < embedded.length; j++) vectors[denseAt.get(j)] = embedded[j];
        }
        long t1 = System.nanoTime();
        double embedShare = texts.isEmpty() ? 0 : (t1 - t0) / 1e6 / texts.size();
        // unfiltered dense lists, one index batch per (depth, knobs)
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i : denseAt) {
            SearchRequest r = requests.get(i);
            if (!r.filter().isEmpty()) continue;
            int depth = r.mode() == RetrievalMode.DENSE ? r.k() : r.candidates();
            groups.computeIfAbsent(List.of(depth, r.params()), g -> new ArrayList<>()).add(i);
        }
        List<List<Neighbor>> denseLists = new ArrayList<>(java.util.Collections.nCopies(n, null));
        double[] denseShare = new double[n];
        for (Map.Entry<List<Object>, List<Integer>> g : groups.entrySet()) {
            List<Integer> members = g.getValue();
            float[][] qs = new float[members.size()][];
            for (int j = 0; j < qs.length; j++) qs[j] = vectors[members.get(j)];
            long s0 = System.nanoTime();
            List<List<Neighbor>> found = dense.searchAll(qs, (Integer) g.getKey().get(0), (SearchParams) g.getKey().get(1));
            for (int j = 0; j < qs.length; j++) {
                denseLists.set(members.get(j), agreeingWithStoredVectors(qs[j], found.get(j)));
            }
            double share = (System.nanoTime() - s0) / 1e6 / qs.length;
            for (int i : members) denseShare[i] = share;
        }
        List<SearchResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double embedMs = vectors[i] != null ? embedShare : 0;
            out.add(searchEmbedded(requests.get(i), vectors[i], denseLists.get(i), embedMs, denseShare[i],
                    System.nanoTime()));
        }
        return out;
    }

    /**
     * The rest of a search once the query is embedded.
     *
     * @param denseList the unfiltered dense list when already searched (batch), else null
     * @param sharedMs  time already spent on this query's dense list in a batch
     * @param start     when this query's own work starts
     */
    private SearchResult searchEmbedded(SearchRequest request, float[] q, List<Neighbor> denseList, double embedMs,
                                       double sharedMs, long start) {
        RetrievalMode mode = request.mode();
        String query = request.query();
        int k = request.k();
        int depth = request.candidates();
        int[] passing = request.filter().isEmpty() ? null : passing(request.filter());
        final float[] qv = q;
        List<Neighbor> ranked = switch (mode) {
            case DENSE -> denseList != null ? denseList : denseSearch(qv, k, request, passing);
            case BM25 -> lexicalSearch(query, k, passing);
            case HYBRID -> request.fusion().fuse(denseList != null ? denseList : denseSearch(qv, depth, request, passing),
                    lexicalSearch(query, depth, passing), k, id -> HybridFusion.denseScore(qv, table.vector(id)));
        };
        long t2 = System.nanoTime();
        List<Hit> hits = new ArrayList<>(ranked.size());
        for (Neighbor n : ranked) {
            StoredChunk c = table.byOrdinal(n.id());
            if (c == null) continue; // a dangling id would be an index bug; never show it
            hits.add(new Hit(hits.size() + 1, n.id(), c.chunk(), n.score()));
        }
        long t3 = System.nanoTime();
        double searchMs = sharedMs + (t2 - start) / 1e6;
        return new SearchResult(query, mode, hits, embedMs, searchMs, embedMs + searchMs + (t3 - t2) / 1e6);
    }

    /** Ordinals of the chunks a filter lets pass, ascending. */
    private int[] passing(HitFilter filter) {
        List<StoredChunk> rows = table.rows();
        int[] out = new int[rows.size()];
        int n = 0;
        for (StoredChunk c : rows) {
            if (filter.accepts(c)) out[n++] = c.ordinal();
        }
        return Arrays.copyOf(out, n);
    }

    private List<Neighbor> denseSearch(float[] q, int k, SearchRequest request, int[] passing) {
        if (passing == null) return agreeingWithStoredVectors(q, dense.search(q, k, request.params()));
        // exact scan of the passing vectors: a bounded min-heap of the k best, ties by smaller ordinal
        PriorityQueue<Neighbor> heap = new PriorityQueue<>(
                (a, b) -> a.score() != b.score() ? Float.compare(a.score(), b.score()) : Integer.compare(b.id(), a.id()));
        for (int id : passing) {
            Neighbor n = new Neighbor(id, (float) HybridFusion.denseScore(q, table.vector(id)));
            if (heap.size() < k) heap.add(n);
            else if (n.score() > heap.peek().score()) {
                heap.poll();
                heap.add(n);
            }
        }
        List<Neighbor> out = new ArrayList<>(heap);
        out.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.id(), b.id()));
        return out;
    }

    private List<Neighbor> lexicalSearch(String query, int k, int[] passing) {
        if (passing == null) return lexical.search(query, k);
        if (passing.length == 0) return List.of();
        return lexical.search(query, k, passing);
    }

    /** How far an index's score may be from the inner product with the stored vector (float rounding, HNSW's scaling). */
    static final double SCORE_TOLERANCE = 1e-3;

    /**
     * The dense hits, each checked against the stored (checksummed) vector of its chunk: an index whose bytes were
     * damaged after the collection was opened, or in a Lucene file that opening does not read whole, would otherwise
     * rank with wrong scores. A disagreement is an error naming the index and the repair.
     */
    private List<Neighbor> agreeingWithStoredVectors(float[] q, List<Neighbor> hits) {
        for (Neighbor n : hits) {
            double expected = HybridFusion.denseScore(q, table.vector(n.id()));
            if (!(Math.abs(expected - n.score()) <= SCORE_TOLERANCE)) {
                throw new CollectionException("dense index " + layout.dense(manifest.generation()) + " is damaged: it "
                        + "scores chunk " + n.id() + " " + n.score() + " but the chunk's stored vector gives " + expected
                        + "; rebuild it with 'ragtune ingest --collection " + layout.dir() + " --reindex'");
            }
        }
        return hits;
    }

    @Override
    public void close() {
        try (VectorIndex d = dense; Bm25Index l = lexical) {
            // closes both, even if one throws
        } catch (IOException e) {
            throw new CollectionException("cannot close the BM25 index of " + layout.dir() + ": " + e.getMessage(), e);
        }
    }
}
