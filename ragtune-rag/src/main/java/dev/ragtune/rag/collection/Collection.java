package dev.ragtune.rag.collection;

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
import java.util.List;
import java.util.Objects;

/**
 * A committed collection opened for reading: its chunks, vectors, dense index and BM25 index, all of the generation
 * the manifest names. Opening takes no lock, so searches run while another process ingests; they see the state of
 * the last commit.
 */
public final class Collection implements AutoCloseable {
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
        long gen = manifest.generation();
        ChunkTable table = ChunkTable.read(layout.chunks(gen), layout.vectors(gen), manifest.embedder().dimension(), JSON);
        List<SourceEntry> sources = readSources(layout.sources(gen));
        VectorIndex dense = null;
        Bm25Index lexical = null;
        try {
            dense = VectorIndexes.open(layout.dense(gen));
            lexical = Bm25Index.openForSearch(layout.bm25(gen));
            if (dense.size() != table.size()) {
                throw new CollectionException("dense index " + layout.dense(gen) + " holds " + dense.size()
                        + " vectors but the collection " + table.size() + "; rebuild it with 'ragtune ingest --collection "
                        + dir + " --reindex'");
            }
            return new Collection(layout, manifest, table, sources, dense, lexical);
        } catch (IOException | RuntimeException e) {
            if (dense != null) dense.close();
            closeQuietly(lexical, e);
            if (e instanceof CollectionException ce) throw ce;
            throw new CollectionException("cannot open the indexes of collection " + dir + ": " + e.getMessage()
                    + "; rebuild them with 'ragtune ingest --collection " + dir + " --reindex'", e);
        }
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
        try {
            Manifest m = JSON.readValue(layout.manifest().toFile(), Manifest.class);
            if (m.format() != Manifest.FORMAT) {
                throw new CollectionException("collection " + layout.dir() + " has format " + m.format()
                        + "; this ragtune reads format " + Manifest.FORMAT);
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

    public List<SourceEntry> sources() {
        return sources;
    }

    /** Number of chunks. */
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

    /**
     * Checks that {@code embedder} is the one the collection was built with; queries embedded by another model would
     * be compared with vectors from a different space and rank garbage.
     */
    public void requireEmbedder(Embedder embedder) {
        Manifest.EmbedderInfo info = manifest.embedder();
        if (!info.id().equals(embedder.id()) || info.dimension() != embedder.dimension()) {
            throw new CollectionException("collection " + layout.dir() + " was built with embedder " + info.id()
                    + " (dimension " + info.dimension() + ") but the query embedder is " + embedder.id()
                    + " (dimension " + embedder.dimension() + "); pass --embedder for the collection's model, or "
                    + "ingest into a new collection");
        }
    }

    /** Searches the collection; hybrid mode fuses by {@link HybridFusion#DEFAULT}. */
    public SearchResult search(String query, RetrievalMode mode, int k, int candidates, SearchParams params,
                               Embedder embedder) {
        return search(query, mode, k, candidates, params, embedder, HybridFusion.DEFAULT);
    }

    /**
     * Searches the collection.
     *
     * @param embedder   the collection's embedder (checked); may be null for {@link RetrievalMode#BM25}
     * @param candidates how deep each list is read before fusion (hybrid); at least k
     * @param fusion     how hybrid mode fuses the dense and BM25 lists; null for {@link HybridFusion#DEFAULT}
     */
    public SearchResult search(String query, RetrievalMode mode, int k, int candidates, SearchParams params,
                               Embedder embedder, HybridFusion fusion) {
        HybridFusion fuse = fusion == null ? HybridFusion.DEFAULT : fusion;
        if (query == null || query.isBlank()) throw new IllegalArgumentException("the query is empty");
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, was " + k);
        long t0 = System.nanoTime();
        float[] q = null;
        if (mode != RetrievalMode.BM25) {
            Objects.requireNonNull(embedder, "embedder");
            requireEmbedder(embedder);
            q = embedder.embed(query);
        }
        long t1 = System.nanoTime();
        int depth = Math.max(k, candidates);
        List<Neighbor> ranked = switch (mode) {
            case DENSE -> dense.search(q, k, params);
            case BM25 -> lexical.search(query, k);
            case HYBRID -> {
                final float[] qv = q;
                yield fuse.fuse(dense.search(qv, depth, params), lexical.search(query, depth), k,
                        id -> dot(qv, table.vector(id)));
            }
        };
        long t2 = System.nanoTime();
        List<Hit> hits = new ArrayList<>(ranked.size());
        for (Neighbor n : ranked) {
            StoredChunk c = table.byOrdinal(n.id());
            if (c == null) continue; // a dangling id would be an index bug; never show it
            hits.add(new Hit(hits.size() + 1, n.id(), c.chunk(), n.score()));
        }
        long t3 = System.nanoTime();
        return new SearchResult(query, mode, hits, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t0) / 1e6);
    }

    private static double dot(float[] a, float[] b) {
        if (b == null) return Double.NaN;
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
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
