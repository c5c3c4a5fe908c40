package dev.ragtune.rag.index;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * Approximate search on a Lucene 9.12 HNSW graph ({@link Lucene99HnswVectorsFormat}, DOT_PRODUCT similarity).
 *
 * <p>Build parameters: {@code m} (graph degree, default 16) and {@code beamWidth} (construction beam, default 100);
 * query parameter {@code ef} (default 100, or {@link SearchParams#ef()}): Lucene collects {@code max(k, ef)}
 * candidates and the top k are returned.
 *
 * <p>Search path: the files are Lucene's, but searches do not go through Lucene. At the first search after a change,
 * each new segment's graph and vectors are copied to the heap ({@link QuantizedGraph}: neighbour lists, int8 codes
 * with per-vector scales, the float vectors); the walk scores int8 codes ({@link Int8Dot}, Vector API on 21+), and the
 * {@code max(k, ef)} candidates are rescored exactly ({@link GraphSnapshot}), so the k returned are the exact top k of
 * those candidates and scores are double inner products rounded to float. Heap cost: about
 * {@code 5d + 4 (2M + 1) + 16} bytes per vector (2.06 KB at d = 384, M = 16), on top of Lucene's files.
 *
 * <p>Sharp edges:
 * <ul>
 *   <li>DOT_PRODUCT requires unit-length vectors: {@link #add} rejects vectors whose L2 norm is not 1 (± 1e-3).</li>
 *   <li>Removal is a Lucene delete by the id term: the vector is hidden at once, but its node stays in the graph
 *       (a hole searches must step over) until segments merge; heavy deletion lowers recall until then.</li>
 *   <li>The index folder is a Lucene directory plus {@code index.json}. One process may write (Lucene's write lock);
 *       others open it read-only ({@link #openReadOnly}, or {@link VectorIndexes#open} when the lock is taken) and
 *       see each {@link #save} (a Lucene commit) after {@link #refresh}.</li>
 *   <li>An index created in memory moves to disk at its first {@link #save}: it then lives in that folder.</li>
 * </ul>
 */
public final class HnswIndex implements VectorIndex {
    public static final String KIND = "hnsw";
    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_BEAM_WIDTH = 100;
    public static final int DEFAULT_EF = 100;
    static final String VECTOR = "vector";
    static final String ID = "id";
    static final String ID_VALUE = "id_value";

    private final int dimension;
    private final int m;
    private final int beamWidth;
    private final int defaultEf;
    private Path folder; // null while in memory
    private Directory directory;
    private IndexWriter writer; // null when read-only
    private ReferenceManager<IndexSearcher> searchers;
    private final Set<Integer> liveIds = new HashSet<>();
    private volatile boolean stale;
    private final Int8Dot kernel;
    private final ThreadLocal<QuantizedGraph.Scratch> scratches = ThreadLocal.withInitial(QuantizedGraph.Scratch::new);
    private final Object snapshotLock = new Object();
    private volatile GraphSnapshot snapshot;

    private HnswIndex(int dimension, int m, int beamWidth, int defaultEf) {
        if (dimension <= 0) throw new IllegalArgumentException("dimension must be > 0, was " + dimension);
        this.dimension = dimension;
        this.m = m;
        this.beamWidth = beamWidth;
        this.defaultEf = defaultEf;
        this.kernel = Int8Dot.forThisJvm(dimension);
    }

    /** A new empty in-memory index (it moves to disk at the first {@link #save}). */
    public static HnswIndex create(int dimension, int m, int beamWidth, int defaultEf) {
        HnswIndex index = new HnswIndex(dimension, m, beamWidth, defaultEf);
        try {
            index.attach(new ByteBuffersDirectory(), null, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return index;
    }

    static HnswIndex create(int dimension, Map<String, String> params) {
        IndexParams.reject(params, KIND, "m", "beamWidth", "ef");
        return create(dimension, IndexParams.intParam(params, "m", DEFAULT_M, 2),
                IndexParams.intParam(params, "beamWidth", DEFAULT_BEAM_WIDTH, 1),
                IndexParams.intParam(params, "ef", DEFAULT_EF, 1));
    }

    /** Opens the index in {@code dir} for writing, or read-only if another writer holds the folder's lock. */
    public static HnswIndex open(Path dir) throws IOException {
        return open(dir, false);
    }

    /** Opens the index in {@code dir} read-only: searches see the last commit; {@link #refresh} picks up newer ones. */
    public static HnswIndex openReadOnly(Path dir) throws IOException {
        return open(dir, true);
    }

    private static HnswIndex open(Path dir, boolean readOnly) throws IOException {
        IndexMeta meta = IndexFolder.readMeta(dir);
        if (!KIND.equals(meta.kind())) {
            throw new CorruptIndexException("index in " + dir + " is '" + meta.kind() + "', not '" + KIND + "'");
        }
        Map<String, String> p = meta.params();
        HnswIndex index = new HnswIndex(meta.dimension(), IndexParams.intParam(p, "m", DEFAULT_M, 2),
                IndexParams.intParam(p, "beamWidth", DEFAULT_BEAM_WIDTH, 1), IndexParams.intParam(p, "ef", DEFAULT_EF, 1));
        Directory d = FSDirectory.open(dir);
        try {
            try {
                index.attach(d, dir, !readOnly);
            } catch (LockObtainFailedException e) {
                index.attach(d, dir, false);
            }
        } catch (org.apache.lucene.index.CorruptIndexException | IndexFormatTooOldException | EOFException
                 | NoSuchFileException e) {
            d.close();
            throw new CorruptIndexException("index file in " + dir + " is truncated or corrupt (" + e.getMessage()
                    + "); " + IndexFolder.REBUILD, e);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return index;
    }

    private IndexWriterConfig config() {
        int maxConn = m;
        int beam = beamWidth;
        return new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return new Lucene99HnswVectorsFormat(maxConn, beam);
                    }
                })
                .setRAMBufferSizeMB(256);
    }

    private void attach(Directory d, Path dir, boolean writable) throws IOException {
        IndexWriter w = null;
        ReferenceManager<IndexSearcher> s;
        if (writable) {
            w = new IndexWriter(d, config());
            s = new SearcherManager(w, new SearcherFactory());
        } else {
            s = new SearcherManager(d, new SearcherFactory());
        }
        this.directory = d;
        this.folder = dir;
        this.writer = w;
        this.searchers = s;
        loadLiveIds();
    }

    private void loadLiveIds() throws IOException {
        liveIds.clear();
        IndexSearcher s = searchers.acquire();
        try {
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                NumericDocValues ids = leaf.reader().getNumericDocValues(ID_VALUE);
                Bits live = leaf.reader().getLiveDocs();
                if (ids == null) continue;
                for (int doc = ids.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
                    if (live == null || live.get(doc)) liveIds.add((int) ids.longValue());
                }
            }
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public synchronized int size() {
        return liveIds.size();
    }

    private IndexWriter writable() {
        if (searchers == null) throw new IllegalStateException("hnsw index is closed");
        if (writer == null) {
            throw new IllegalStateException("hnsw index in " + folder + " is open read-only (another process writes it)");
        }
        return writer;
    }

    @Override
    public synchronized void add(int[] ids, float[][] vectors) {
        VectorChecks.checkBatch(ids, vectors, dimension);
        IndexWriter w = writable();
        for (int i = 0; i < ids.length; i++) {
            if (liveIds.contains(ids[i])) {
                throw new IllegalArgumentException("id " + ids[i] + " is already in the index; remove it first");
            }
            double norm = Math.sqrt(FlatIndexMath.dot(vectors[i], vectors[i]));
            if (Math.abs(norm - 1) > 1e-3) {
                throw new IllegalArgumentException("vectors[" + i + "] (id " + ids[i] + ") has L2 norm " + norm
                        + "; the hnsw index (DOT_PRODUCT) needs unit-length vectors: normalize them first");
            }
        }
        try {
            List<Document> docs = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(VECTOR, vectors[i], VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new StringField(ID, Integer.toString(ids[i]), Field.Store.NO));
                doc.add(new NumericDocValuesField(ID_VALUE, ids[i]));
                docs.add(doc);
            }
            w.addDocuments(docs);
        } catch (IOException e) {
            throw new UncheckedIOException("could not add vectors to the hnsw index", e);
        }
        for (int id : ids) liveIds.add(id);
        stale = true;
    }

    @Override
    public synchronized void remove(int[] ids) {
        IndexWriter w = writable();
        List<Term> terms = new ArrayList<>();
        for (int id : ids) {
            if (liveIds.remove(id)) terms.add(new Term(ID, Integer.toString(id)));
        }
        if (terms.isEmpty()) return;
        try {
            w.deleteDocuments(terms.toArray(new Term[0]));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete from the hnsw index", e);
        }
        stale = true;
    }

    @Override
    public List<Neighbor> search(float[] query, int k, SearchParams params) {
        VectorChecks.checkQuery(query, k, dimension);
        int kPrime = Math.max(k, params.ef() > 0 ? params.ef() : defaultEf);
        GraphSnapshot snapshot;
        try {
            ReferenceManager<IndexSearcher> mgr = fresh();
            IndexSearcher s = mgr.acquire();
            try {
                if (s.getIndexReader().numDocs() == 0) return List.of();
                snapshot = snapshotOf(s.getIndexReader());
            } finally {
                mgr.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hnsw search failed", e);
        }
        return snapshot.search(kernel, query, k, kPrime, scratches.get());
    }

    /** The searcher manager, refreshed if there are unseen changes; acquire and release on the one returned. */
    private ReferenceManager<IndexSearcher> fresh() throws IOException {
        ReferenceManager<IndexSearcher> mgr = searchers;
        if (mgr == null) throw new IllegalStateException("hnsw index is closed");
        if (stale) {
            stale = false;
            mgr.maybeRefreshBlocking();
        }
        return mgr;
    }

    /** The heap copy of {@code reader}'s graphs, copying only the segments the previous copy does not have. */
    private GraphSnapshot snapshotOf(IndexReader reader) throws IOException {
        GraphSnapshot current = snapshot;
        if (current != null && current.reader() == reader) return current;
        synchronized (snapshotLock) {
            current = snapshot;
            if (current != null && current.reader() == reader) return current;
            GraphSnapshot next = GraphSnapshot.copy(reader, current, VECTOR, ID_VALUE);
            snapshot = next;
            return next;
        }
    }

    /** The same query through Lucene's own HNSW search (fp32, {@link KnnFloatVectorQuery}): the reference in tests. */
    List<Neighbor> searchLucene(float[] query, int k, int ef) {
        VectorChecks.checkQuery(query, k, dimension);
        int kPrime = Math.max(k, ef);
        try {
            ReferenceManager<IndexSearcher> mgr = fresh();
            IndexSearcher s = mgr.acquire();
            try {
                if (s.getIndexReader().numDocs() == 0) return List.of();
                ScoreDoc[] hits = s.search(new KnnFloatVectorQuery(VECTOR, query, kPrime), kPrime).scoreDocs;
                List<LeafReaderContext> leaves = s.getIndexReader().leaves();
                List<Neighbor> out = new ArrayList<>(Math.min(k, hits.length));
                for (int i = 0; i < hits.length && out.size() < k; i++) {
                    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hits[i].doc, leaves));
                    // doc values iterate forward only: fetch a fresh iterator per lookup
                    NumericDocValues ids = leaf.reader().getNumericDocValues(ID_VALUE);
                    if (ids == null || !ids.advanceExact(hits[i].doc - leaf.docBase)) {
                        throw new IllegalStateException("hnsw document " + hits[i].doc + " has no id");
                    }
                    out.add(new Neighbor((int) ids.longValue(), 2 * hits[i].score - 1));
                }
                return out;
            } finally {
                mgr.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hnsw search failed", e);
        }
    }

    /** Makes searches see the latest commit (read-only instances) or the latest changes (writers). */
    public void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
        synchronized (this) {
            if (writer == null) loadLiveIds();
        }
    }

    /**
     * Commits to disk. If {@code dir} is this index's own folder, that is a Lucene commit plus {@code index.json}; an
     * in-memory index is first copied into {@code dir} (which must not hold another index) and then lives there.
     */
    @Override
    public synchronized void save(Path dir) throws IOException {
        IndexWriter w = writable();
        Path target = dir.toAbsolutePath().normalize();
        if (folder == null || !target.equals(folder.toAbsolutePath().normalize())) {
            if (Files.exists(target.resolve(IndexMeta.FILE_NAME))) {
                throw new IOException(target + " already holds an index; save the hnsw index to an empty folder");
            }
            w.commit();
            Files.createDirectories(target);
            Directory dest = FSDirectory.open(target);
            try {
                for (String file : SegmentInfos.readLatestCommit(directory).files(true)) {
                    dest.copyFrom(directory, file, file, IOContext.DEFAULT);
                }
                dest.sync(SegmentInfos.readLatestCommit(directory).files(true));
                dest.syncMetaData();
            } catch (IOException | RuntimeException e) {
                dest.close();
                throw e;
            }
            closeLucene();
            attach(dest, target, true);
        } else {
            w.commit();
        }
        Map<String, String> params = Map.of("m", Integer.toString(m), "beamWidth", Integer.toString(beamWidth),
                "ef", Integer.toString(defaultEf));
        IndexFolder.commitMeta(target, new IndexMeta(IndexMeta.FORMAT, KIND, dimension, liveIds.size(), params,
                Map.of()), Set.of());
    }

    private void closeLucene() throws IOException {
        try (Directory d = directory; IndexWriter w = writer; ReferenceManager<IndexSearcher> s = searchers) {
            // closes in reverse order: searchers, writer (rolls back uncommitted changes), directory
            if (w != null) w.rollback();
        }
        searchers = null;
        writer = null;
        directory = null;
        snapshot = null;
    }

    /** Closes without committing: call {@link #save} first to keep changes. */
    @Override
    public synchronized void close() {
        if (searchers == null) return;
        try {
            closeLucene();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the hnsw index", e);
        }
    }

    /** Current reader (for tests and diagnostics). */
    IndexReader reader() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader();
        } finally {
            searchers.release(s);
        }
    }
}
