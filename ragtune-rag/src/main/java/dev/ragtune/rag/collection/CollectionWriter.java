package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.VectorIndex;
import dev.ragtune.rag.index.VectorIndexes;
import dev.ragtune.rag.lexical.Bm25Index;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one writer of a collection: holds the folder's lock, stages the next generation (chunks, vectors, dense and
 * BM25 indexes) beside the committed one, and makes it visible with {@link #commit()}, which renames the manifest
 * last. Closing without committing throws the staged generation away: nothing stored before is touched.
 */
public final class CollectionWriter implements CorpusWriter {
    private final Layout layout;
    private final WriterLock lock;
    private final Manifest base;
    private final long stagedGen;
    private ChunkTable table;
    private final Map<String, SourceEntry> sources;
    private VectorIndex dense;
    private Manifest.IndexInfo indexInfo;
    private final Bm25Index lexical;
    private int nextId;
    private boolean committed;
    private Manifest committedManifest;

    private CollectionWriter(Layout layout, WriterLock lock, Manifest base, ChunkTable table,
                             Map<String, SourceEntry> sources, VectorIndex dense, Bm25Index lexical) {
        this.layout = layout;
        this.lock = lock;
        this.base = base;
        this.stagedGen = base.generation() + 1;
        this.table = table;
        this.sources = sources;
        this.dense = dense;
        this.indexInfo = base.index();
        this.lexical = lexical;
        this.nextId = base.nextId();
    }

    /**
     * Opens {@code dir} for writing, creating the collection when it does not exist.
     *
     * @param settings used when creating; for an existing collection they must agree with its manifest, except the
     *                 index, which is rebuilt from the stored vectors when it differs
     */
    public static CollectionWriter open(Path dir, Embedder embedder, CollectionSettings settings) {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(settings, "settings");
        WriterLock lock = WriterLock.acquire(dir);
        Layout layout = new Layout(dir);
        VectorIndex dense = null;
        Bm25Index lexical = null;
        try {
            Manifest base;
            ChunkTable table;
            Map<String, SourceEntry> sources = new LinkedHashMap<>();
            if (Collection.exists(dir)) {
                base = Collection.readManifest(layout);
                Manifest.EmbedderInfo e = base.embedder();
                if (!e.id().equals(embedder.id()) || e.dimension() != embedder.dimension()) {
                    throw new CollectionException("collection " + dir + " was built with embedder " + e.id()
                            + " (dimension " + e.dimension() + "), not " + embedder.id() + " (dimension "
                            + embedder.dimension() + "); use the same --embedder or a new collection");
                }
                if (settings.chunking() != null && !settings.chunking().equals(base.chunking())) {
                    throw new CollectionException("collection " + dir + " is chunked with " + base.chunking().chunkTokens()
                            + " tokens and overlap " + base.chunking().overlapTokens() + "; omit --chunk-tokens/--overlap "
                            + "or use a new collection");
                }
                long gen = base.generation();
                table = ChunkTable.read(layout.chunks(gen), layout.vectors(gen), e.dimension(), Collection.JSON);
                for (SourceEntry s : Collection.readSources(layout.sources(gen))) sources.put(s.source(), s);
                Layout.linkCopy(layout.dense(gen), layout.dense(gen + 1));
                Layout.linkCopy(layout.bm25(gen), layout.bm25(gen + 1));
                dense = VectorIndexes.open(layout.dense(gen + 1));
                if (dense.size() != table.size()) {
                    throw new CollectionException("dense index " + layout.dense(gen) + " holds " + dense.size()
                            + " vectors but the collection " + table.size() + "; run with --reindex to rebuild it");
                }
            } else {
                Manifest.ChunkingInfo chunking = settings.chunking() != null ? settings.chunking()
                        : CollectionSettings.DEFAULT_CHUNKING;
                base = new Manifest(Manifest.FORMAT, 0, new Manifest.EmbedderInfo(embedder.id(), embedder.dimension()),
                        "inner_product", settings.index(), chunking, settings.language(), 0, 0, 0, now());
                table = new ChunkTable(embedder.dimension());
                Layout.deleteRecursively(layout.dense(1));
                Layout.deleteRecursively(layout.bm25(1));
                dense = VectorIndexes.create(settings.index().kind(), embedder.dimension(), settings.index().params());
            }
            lexical = Bm25Index.open(layout.bm25(base.generation() + 1));
            CollectionWriter w = new CollectionWriter(layout, lock, base, table, sources, dense, lexical);
            if (Collection.exists(dir) && !settings.index().equals(base.index()) && settings.indexGiven()) {
                w.reindex(settings.index());
            }
            return w;
        } catch (IOException | RuntimeException e) {
            if (dense != null) dense.close();
            Collection.closeQuietly(lexical, e);
            lock.close();
            if (e instanceof CollectionException ce) throw ce;
            throw new CollectionException("cannot open collection " + dir + " for writing: " + e.getMessage(), e);
        }
    }

    /** The manifest this writer started from, or after {@link #commit()} the one it committed. */
    public Manifest manifest() {
        return committedManifest != null ? committedManifest : base;
    }

    @Override
    public String location() {
        return layout.dir().toString();
    }

    @Override
    public int chunkTokens() {
        return base.chunking().chunkTokens();
    }

    @Override
    public int overlapTokens() {
        return base.chunking().overlapTokens();
    }

    @Override
    public String language() {
        return base.language();
    }

    /** The ingested file with this absolute path, or null. */
    @Override
    public SourceEntry source(String source) {
        return sources.get(source);
    }

    @Override
    public List<SourceEntry> sources() {
        return List.copyOf(sources.values());
    }

    /** Doc ids in use, by any source. */
    @Override
    public Set<String> docIds() {
        Set<String> ids = new HashSet<>();
        for (SourceEntry s : sources.values()) ids.addAll(s.docIds());
        return ids;
    }

    /** Hands out the next chunk ordinal. */
    @Override
    public int nextOrdinal() {
        return nextId++;
    }

    /** Removes a source and all its chunks; returns false when it was not in the collection. */
    @Override
    public boolean remove(String source) {
        SourceEntry old = sources.remove(source);
        if (old == null) return false;
        int[] ids = old.ordinals().stream().mapToInt(Integer::intValue).toArray();
        dense.remove(ids);
        lexical.remove(ids);
        table = table.without(new HashSet<>(old.ordinals()));
        return true;
    }

    /** Adds the chunks of one source (replacing its earlier version, if any) with their vectors, row-aligned. */
    @Override
    public void put(SourceEntry entry, List<StoredChunk> chunks, float[][] vectors) {
        if (chunks.size() != vectors.length) {
            throw new IllegalArgumentException(chunks.size() + " chunks but " + vectors.length + " vectors");
        }
        remove(entry.source());
        int[] ids = new int[chunks.size()];
        for (int i = 0; i < ids.length; i++) {
            StoredChunk c = chunks.get(i);
            table.add(c, vectors[i]);
            ids[i] = c.ordinal();
            lexical.add(c.ordinal(), c.chunk().text(), c.language());
        }
        if (ids.length > 0) dense.add(ids, vectors);
        sources.put(entry.source(), entry);
    }

    /** Rebuilds the dense index from the stored vectors, with another kind or parameters. */
    public void reindex(Manifest.IndexInfo index) {
        VectorIndex fresh = VectorIndexes.create(index.kind(), base.embedder().dimension(), index.params());
        try {
            List<StoredChunk> rows = table.rows();
            int[] ids = new int[rows.size()];
            float[][] vectors = new float[rows.size()][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rows.get(i).ordinal();
                vectors[i] = table.vector(ids[i]);
            }
            if (ids.length > 0) fresh.add(ids, vectors);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        dense.close();
        try {
            Layout.deleteRecursively(layout.dense(stagedGen));
        } catch (IOException e) {
            throw new CollectionException("cannot clear " + layout.dense(stagedGen) + ": " + e.getMessage(), e);
        }
        dense = fresh;
        indexInfo = index;
    }

    /** Writes the staged generation and makes it the committed one. */
    @Override
    public void commit() {
        if (committed) throw new IllegalStateException("already committed");
        try {
            table.write(layout.chunks(stagedGen), layout.vectors(stagedGen), Collection.JSON);
            List<SourceEntry> list = new ArrayList<>(sources.values());
            AtomicFile.write(layout.sources(stagedGen), out -> Collection.JSON.writerWithDefaultPrettyPrinter().writeValue(out, list));
            dense.save(layout.dense(stagedGen));
            lexical.commit();
            int documents = 0;
            for (SourceEntry s : list) documents += s.docIds().size();
            Manifest next = base.next(documents, table.size(), nextId, indexInfo, now());
            AtomicFile.write(layout.manifest(), out -> Collection.JSON.writerWithDefaultPrettyPrinter().writeValue(out, next));
            committed = true;
            committedManifest = next;
            try {
                layout.deleteGenerationsBefore(stagedGen);
            } catch (IOException e) {
                // the commit stands; old files are only leftovers that the next commit deletes
            }
        } catch (IOException e) {
            throw new CollectionException("cannot write collection " + layout.dir() + ": " + e
                    + " (nothing was committed; the previous state is intact)", e);
        }
    }

    private static String now() {
        return Instant.now().toString();
    }

    @Override
    public void close() {
        try (WriterLock l = lock; VectorIndex d = dense; Bm25Index x = lexical) {
            // closes all three
        } catch (IOException e) {
            throw new CollectionException("cannot close the BM25 index of " + layout.dir() + ": " + e.getMessage(), e);
        } finally {
            if (!committed) {
                for (Path p : List.of(layout.chunks(stagedGen), layout.vectors(stagedGen), layout.sources(stagedGen),
                        layout.dense(stagedGen), layout.bm25(stagedGen))) {
                    try {
                        if (Files.exists(p)) Layout.deleteRecursively(p);
                    } catch (IOException ignored) {
                        // a leftover of an aborted write; the next commit's clean-up removes it
                    }
                }
            }
        }
    }
}
