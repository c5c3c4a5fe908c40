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
 * last; {@link #checkpoint()} does the same and goes on staging the generation after, so a long ingest can commit as
 * it goes. Closing without committing throws the staged generation away: nothing stored before is touched.
 *
 * <p>Opening verifies the committed generation (sizes and checksums of the files read whole, counts) and removes the
 * temp files and staged generations a killed writer left behind.
 */
public final class CollectionWriter implements CorpusWriter {
    private final Layout layout;
    private final WriterLock lock;
    private Manifest base;
    private long stagedGen;
    private ChunkTable table;
    private final Map<String, SourceEntry> sources;
    private VectorIndex dense;
    private Manifest.IndexInfo indexInfo;
    private Bm25Index lexical;
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
        int next = base.nextId();
        for (StoredChunk c : table.rows()) next = Math.max(next, c.ordinal() + 1);
        this.nextId = next;
    }

    /**
     * Opens {@code dir} for writing, creating the collection when it does not exist.
     *
     * @param settings used when creating; for an existing collection they must agree with its manifest, except the
     *                 index, which is rebuilt from the stored vectors when it differs
     * @throws CollectionException when the committed generation is damaged; a damaged index names
     *                             {@link #openForRepair} ({@code ingest --reindex}) as the fix
     */
    public static CollectionWriter open(Path dir, Embedder embedder, CollectionSettings settings) {
        return open(dir, embedder, settings, false);
    }

    /**
     * Opens {@code dir} for writing with both indexes rebuilt from the chunk table and its vectors (the source of
     * truth), without reading the committed indexes at all: the repair for a missing or damaged dense or BM25 index.
     * The dense index gets the settings' kind when one was given, else the manifest's. The chunks, vectors and source
     * list must be intact; when they are not, the error names the files to re-ingest.
     */
    public static CollectionWriter openForRepair(Path dir, Embedder embedder, CollectionSettings settings) {
        if (!Collection.exists(dir)) {
            throw new CollectionException("no collection at " + dir + " to repair: it has no manifest.json");
        }
        return open(dir, embedder, settings, true);
    }

    private static CollectionWriter open(Path dir, Embedder embedder, CollectionSettings settings, boolean rebuild) {
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
                base = Collection.readManifest(layout, rebuild);
                layout.deleteLeftoversAfter(base.generation());
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
                List<String> damage = Checksums.verify(layout, base, Checksums.Depth.OPEN);
                List<String> sourceOfTruth = damage.stream().filter(p -> !isIndexProblem(layout, base, p)).toList();
                Collection.requireIntact(layout, base, sourceOfTruth);
                if (!rebuild) Collection.requireIntact(layout, base, damage);
                long gen = base.generation();
                table = ChunkTable.read(layout.chunks(gen), layout.vectors(gen), e.dimension(), Collection.JSON);
                List<SourceEntry> stored = Collection.readSources(layout.sources(gen));
                for (SourceEntry s : stored) sources.put(s.source(), s);
                List<String> counts = Consistency.of(layout, base, table, stored);
                // wrong manifest counts are rewritten by a repair; chunks and sources that disagree are not repairable
                Collection.requireIntact(layout, base, rebuild
                        ? counts.stream().filter(p -> !p.startsWith(layout.manifest().toString())).toList() : counts);
                if (rebuild) {
                    Manifest.IndexInfo kind = settings.indexGiven() ? settings.index() : base.index();
                    dense = VectorIndexes.create(kind.kind(), e.dimension(), kind.params());
                    Layout.deleteRecursively(layout.dense(gen + 1));
                    Layout.deleteRecursively(layout.bm25(gen + 1));
                } else {
                    for (Path folder : List.of(layout.dense(gen), layout.bm25(gen))) {
                        if (!Files.isDirectory(folder)) {
                            throw new CollectionException("index folder " + folder + " is missing; rebuild it with "
                                    + "'ragtune ingest --collection " + dir + " --reindex'");
                        }
                    }
                    Layout.linkCopy(layout.dense(gen), layout.dense(gen + 1));
                    Layout.linkCopy(layout.bm25(gen), layout.bm25(gen + 1));
                    dense = VectorIndexes.open(layout.dense(gen + 1));
                }
            } else {
                Manifest.ChunkingInfo chunking = settings.chunking() != null ? settings.chunking()
                        : CollectionSettings.DEFAULT_CHUNKING;
                base = new Manifest(Manifest.FORMAT, 0, new Manifest.EmbedderInfo(embedder.id(), embedder.dimension()),
                        "inner_product", settings.index(), chunking, settings.language(), 0, 0, 0, now());
                layout.deleteLeftoversAfter(0);
                table = new ChunkTable(embedder.dimension());
                dense = VectorIndexes.create(settings.index().kind(), embedder.dimension(), settings.index().params());
            }
            lexical = Bm25Index.open(layout.bm25(base.generation() + 1));
            CollectionWriter w = new CollectionWriter(layout, lock, base, table, sources, dense, lexical);
            if (rebuild) {
                w.indexInfo = settings.indexGiven() ? settings.index() : base.index();
                w.fillIndexes();
            } else {
                Collection.requireIntact(layout, base, Consistency.ofIndexes(layout, base, table, dense.size(),
                        lexical.size()));
                if (Collection.exists(dir) && !settings.index().equals(base.index()) && settings.indexGiven()) {
                    w.reindex(settings.index());
                }
            }
            return w;
        } catch (IOException | RuntimeException e) {
            if (dense != null) dense.close();
            Collection.closeQuietly(lexical, e);
            lock.close();
            if (e instanceof CollectionException ce) throw ce;
            throw new CollectionException("cannot open collection " + dir + " for writing: " + e.getMessage()
                    + "; if an index is damaged, rebuild it with 'ragtune ingest --collection " + dir + " --reindex'", e);
        }
    }

    private static boolean isIndexProblem(Layout layout, Manifest base, String problem) {
        return problem.startsWith(layout.dense(base.generation()) + java.io.File.separator)
                || problem.startsWith(layout.bm25(base.generation()) + java.io.File.separator);
    }

    /** Adds every stored chunk to the (empty) dense and BM25 indexes. */
    private void fillIndexes() {
        List<StoredChunk> rows = table.rows();
        int[] ids = new int[rows.size()];
        float[][] vectors = new float[rows.size()][];
        for (int i = 0; i < ids.length; i++) {
            StoredChunk c = rows.get(i);
            ids[i] = c.ordinal();
            vectors[i] = table.vector(ids[i]);
            lexical.add(c.ordinal(), c.chunk().text(), c.language());
        }
        if (ids.length > 0) dense.add(ids, vectors);
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

    /** Hands out the next chunk ordinal. */
    @Override
    public int nextOrdinal() {
        return nextId++;
    }

    /** The staged chunk with this ordinal, or null. */
    public StoredChunk chunk(int ordinal) {
        return table.byOrdinal(ordinal);
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
        addRows(chunks, vectors);
        sources.put(entry.source(), entry);
    }

    /**
     * Adds more chunks of a source already staged (a file ingested in parts across checkpoints): {@code entry}
     * replaces the source's record and must list the ordinals it had, in order, followed by those of {@code chunks}.
     */
    public void append(SourceEntry entry, List<StoredChunk> chunks, float[][] vectors) {
        if (chunks.size() != vectors.length) {
            throw new IllegalArgumentException(chunks.size() + " chunks but " + vectors.length + " vectors");
        }
        SourceEntry old = sources.get(entry.source());
        if (old == null) throw new IllegalStateException(entry.source() + " is not staged; put it first");
        List<Integer> expected = new ArrayList<>(old.ordinals());
        for (StoredChunk c : chunks) expected.add(c.ordinal());
        if (!expected.equals(entry.ordinals())) {
            throw new IllegalArgumentException("the record of " + entry.source() + " must list its " + old.ordinals().size()
                    + " staged ordinals followed by the " + chunks.size() + " new ones");
        }
        addRows(chunks, vectors);
        sources.put(entry.source(), entry);
    }

    private void addRows(List<StoredChunk> chunks, float[][] vectors) {
        int[] ids = new int[chunks.size()];
        for (int i = 0; i < ids.length; i++) {
            StoredChunk c = chunks.get(i);
            table.add(c, vectors[i]);
            ids[i] = c.ordinal();
            lexical.add(c.ordinal(), c.chunk().text(), c.language());
        }
        if (ids.length > 0) dense.add(ids, vectors);
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
        committedManifest = writeGeneration();
        committed = true;
    }

    /**
     * Commits what is staged (as {@link #commit()}) and goes on staging the next generation with this writer, so a
     * long ingest keeps what it has done if it is killed. Each checkpoint rewrites the chunk table and the vectors.
     */
    public Manifest checkpoint() {
        if (committed) throw new IllegalStateException("already committed");
        Manifest next = writeGeneration();
        try {
            dense.close();
            dense = null;
            lexical.rollback();
            lexical = null;
            base = next;
            stagedGen = next.generation() + 1;
            Layout.linkCopy(layout.dense(next.generation()), layout.dense(stagedGen));
            Layout.linkCopy(layout.bm25(next.generation()), layout.bm25(stagedGen));
            dense = VectorIndexes.open(layout.dense(stagedGen));
            lexical = Bm25Index.open(layout.bm25(stagedGen));
            return next;
        } catch (IOException e) {
            committed = true; // the generation is committed; this writer cannot go on
            throw new CollectionException("generation " + next.generation() + " of " + layout.dir() + " is committed, "
                    + "but the next one cannot be staged: " + e.getMessage() + "; run the command again", e);
        }
    }

    private Manifest writeGeneration() {
        try {
            CrashPoint.at("stage-chunks");
            table.write(layout.chunks(stagedGen), layout.vectors(stagedGen), Collection.JSON);
            List<SourceEntry> list = new ArrayList<>(sources.values());
            AtomicFile.write(layout.sources(stagedGen), out -> Collection.JSON.writerWithDefaultPrettyPrinter().writeValue(out, list));
            CrashPoint.at("stage-dense");
            dense.save(layout.dense(stagedGen));
            CrashPoint.at("stage-bm25");
            lexical.commit();
            int documents = 0;
            for (SourceEntry s : list) documents += s.docIds().size();
            CrashPoint.at("checksums");
            Map<String, Manifest.FileSum> files = Checksums.record(layout, stagedGen, base);
            Manifest unsigned = base.next(documents, table.size(), nextId, indexInfo, now(), files);
            Manifest next = unsigned.withChecksum(Checksums.ofManifest(unsigned));
            CrashPoint.at("manifest");
            AtomicFile.write(layout.manifest(), out -> Checksums.CANONICAL.withDefaultPrettyPrinter().writeValue(out, next));
            CrashPoint.at("committed");
            try {
                layout.deleteGenerationsBefore(stagedGen);
            } catch (IOException e) {
                // the commit stands; old files are only leftovers that the next commit deletes
            }
            return next;
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
        try (WriterLock l = lock; VectorIndex d = dense) {
            // everything worth keeping was committed: what Lucene holds beyond that is dropped, never committed here
            if (lexical != null) lexical.rollback();
        } catch (IOException e) {
            throw new CollectionException("cannot close the BM25 index of " + layout.dir() + ": " + e.getMessage(), e);
        } finally {
            if (!committed) {
                for (Path p : List.of(layout.chunks(stagedGen), layout.vectors(stagedGen), layout.sources(stagedGen),
                        layout.dense(stagedGen), layout.bm25(stagedGen))) {
                    try {
                        if (Files.exists(p)) Layout.deleteRecursively(p);
                    } catch (IOException ignored) {
                        // a leftover of an aborted write; the next writer's start removes it
                    }
                }
            }
        }
    }
}
