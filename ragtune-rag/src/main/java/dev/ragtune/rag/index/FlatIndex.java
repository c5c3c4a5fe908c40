package dev.ragtune.rag.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Exact maximum-inner-product search over every live vector (the equivalent of FAISS {@code IndexFlatIP}).
 *
 * <p>Results are exact: equal, ids and order, to an exhaustive search that sums each inner product in double
 * precision, ties broken by the smaller id. A first pass scans an approximation ({@link ScanPrecision}: float in a
 * block-transposed layout, or per-vector scaled int8 codes, chosen by JVM); a per-vector error bound keeps every
 * vector that could still belong to the top k, and those few are rescored in double from the float vectors (see
 * {@code ExactRescorer}, {@code Int8Blocks}). Returned scores are the double scores rounded to float.
 *
 * <p>Removal marks a tombstone; removed vectors stay in memory until the index is reopened ({@link #save} writes only
 * live vectors, i.e. compacts). Searches may run concurrently with each other; adds and removes take a write lock.
 *
 * <p>On disk: {@code index.json} plus {@code flat-vectors-<gen>.f32} (count × dimension float32, little-endian,
 * row-major) and {@code flat-ids-<gen>.i32} (count int32, little-endian).
 */
public final class FlatIndex implements VectorIndex {
    public static final String KIND = "flat";
    static final int BLOCK = 256;
    static final int INT8_BLOCK = 1024;
    private static final Set<String> FILE_PREFIXES = Set.of("flat-");

    private final int dimension;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final ScanPrecision precision;
    private final ScanStore vectors;
    private int[] ids = new int[256];
    private boolean[] deleted = new boolean[256];
    private final Map<Integer, Integer> slotOf = new HashMap<>();
    private boolean closed;

    /** An empty index whose scan precision is {@link ScanPrecision#forThisJvm()}. */
    public FlatIndex(int dimension) {
        this(dimension, ScanPrecision.forThisJvm());
    }

    /** An empty index; {@code precision} changes speed and memory, never results. */
    public FlatIndex(int dimension, ScanPrecision precision) {
        if (dimension <= 0) throw new IllegalArgumentException("dimension must be > 0, was " + dimension);
        this.dimension = dimension;
        this.precision = java.util.Objects.requireNonNull(precision, "precision");
        this.vectors = precision == ScanPrecision.INT8 ? new Int8Blocks(dimension, INT8_BLOCK)
                : new VectorBlocks(dimension, BLOCK);
    }

    /** Loads an index saved by {@link #save} from {@code dir}, scanning with {@link ScanPrecision#forThisJvm()}. */
    public static FlatIndex open(Path dir) throws IOException {
        return open(dir, ScanPrecision.forThisJvm());
    }

    /** Loads an index saved by {@link #save} from {@code dir}. */
    public static FlatIndex open(Path dir, ScanPrecision precision) throws IOException {
        IndexMeta meta = IndexFolder.readMeta(dir);
        if (!KIND.equals(meta.kind())) {
            throw new CorruptIndexException("index in " + dir + " is '" + meta.kind() + "', not '" + KIND
                    + "'; open it with VectorIndexes.open");
        }
        int n = meta.count();
        int d = meta.dimension();
        ByteBuffer idBuf = IndexFolder.read(dir, IndexFolder.file(meta, dir, "ids"), (long) n * Integer.BYTES);
        ByteBuffer vecBuf = IndexFolder.read(dir, IndexFolder.file(meta, dir, "vectors"), (long) n * d * Float.BYTES);
        FlatIndex index = new FlatIndex(d, precision);
        int batch = 4096;
        for (int start = 0; start < n; start += batch) {
            int m = Math.min(batch, n - start);
            int[] bid = new int[m];
            float[][] bv = new float[m][d];
            for (int i = 0; i < m; i++) {
                bid[i] = idBuf.getInt();
                for (int j = 0; j < d; j++) bv[i][j] = vecBuf.getFloat();
            }
            try {
                index.add(bid, bv);
            } catch (IllegalArgumentException e) {
                throw new CorruptIndexException("index in " + dir + " holds invalid data (" + e.getMessage() + "); "
                        + IndexFolder.REBUILD, e);
            }
        }
        return index;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** What the first pass of a search reads. */
    public ScanPrecision precision() {
        return precision;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return slotOf.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether a live vector has this id. */
    public boolean contains(int id) {
        lock.readLock().lock();
        try {
            return slotOf.containsKey(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the live vector with this id, or null. */
    public float[] vector(int id) {
        lock.readLock().lock();
        try {
            Integer slot = slotOf.get(id);
            if (slot == null) return null;
            float[] out = new float[dimension];
            vectors.copy(slot, out);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void add(int[] ids, float[][] vectors) {
        VectorChecks.checkBatch(ids, vectors, dimension);
        lock.writeLock().lock();
        try {
            checkOpen();
            for (int id : ids) {
                if (slotOf.containsKey(id)) {
                    throw new IllegalArgumentException("id " + id + " is already in the index; remove it first");
                }
            }
            for (int i = 0; i < ids.length; i++) {
                int slot = this.vectors.append(vectors[i]);
                ensureCapacity(slot + 1);
                this.ids[slot] = ids[i];
                slotOf.put(ids[i], slot);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureCapacity(int n) {
        if (n > ids.length) {
            int cap = Math.max(n, ids.length * 2);
            ids = Arrays.copyOf(ids, cap);
            deleted = Arrays.copyOf(deleted, cap);
        }
    }

    @Override
    public void remove(int[] ids) {
        lock.writeLock().lock();
        try {
            checkOpen();
            for (int id : ids) {
                Integer slot = slotOf.remove(id);
                if (slot != null) deleted[slot] = true;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<Neighbor> search(float[] query, int k, SearchParams params) {
        VectorChecks.checkQuery(query, k, dimension);
        lock.readLock().lock();
        try {
            checkOpen();
            ExactTopK top = new ExactTopK(k, query);
            top.scan(vectors, ids, deleted);
            return top.result();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Exactly {@link #search} for each query (same ids, order and scores), computed as a blocked queries × vectors
     * product: each block of the scan store is read once per group of {@link BlockKernel#QUERIES} queries (while it
     * sits in the core's cache) instead of once per query, then every query keeps and rescores its candidates as a
     * single search does. Groups of {@value #TASK_QUERIES} queries are split across the fork-join pool this is called
     * from ({@link ForkJoinPool#commonPool()} when called from outside one).
     */
    @Override
    public List<List<Neighbor>> searchAll(float[][] queries, int k, SearchParams params) {
        if (queries == null) throw new IllegalArgumentException("queries must not be null");
        for (float[] q : queries) VectorChecks.checkQuery(q, k, dimension);
        lock.readLock().lock();
        try {
            checkOpen();
            ExactTopK[] tops = new ExactTopK[queries.length];
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            for (int from = 0; from < queries.length; from += TASK_QUERIES) {
                int start = from;
                int end = Math.min(queries.length, from + TASK_QUERIES);
                tasks.add(ForkJoinTask.adapt(() -> scanGroups(queries, start, end, k, tops)));
            }
            ForkJoinTask.invokeAll(tasks);
            List<List<Neighbor>> out = new ArrayList<>(queries.length);
            for (ExactTopK top : tops) out.add(top.result());
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Queries per fork-join task of {@link #searchAll}: several kernel groups share each block while it is cached. */
    static final int TASK_QUERIES = 8 * BlockKernel.QUERIES;

    private void scanGroups(float[][] queries, int from, int to, int k, ExactTopK[] tops) {
        BlockKernel kernel = BlockKernel.forThisJvm();
        int g = BlockKernel.QUERIES;
        int groups = (to - from + g - 1) / g;
        float[][] qts = new float[groups][dimension * g];
        int[] src = new int[to - from];
        for (int i = from; i < to; i++) {
            tops[i] = new ExactTopK(k, queries[i]);
            src[i - from] = tops[i].source(vectors);
        }
        for (int gi = 0; gi < groups; gi++) {
            int start = from + gi * g;
            BlockKernel.transpose(queries, start, Math.min(g, to - start), dimension, qts[gi]);
        }
        float[][] acc = new float[g][vectors.blockSize()];
        for (int b = 0, nb = vectors.blockCount(); b < nb; b++) {
            for (int gi = 0; gi < groups; gi++) {
                vectors.scoreBlockGroup(kernel, b, qts[gi], acc);
                int start = from + gi * g;
                for (int i = 0, m = Math.min(g, to - start); i < m; i++) {
                    tops[start + i].accept(src[start + i - from], vectors, b, acc[i], ids, deleted);
                }
            }
        }
    }

    /**
     * Inner product of {@code query} with the stored vector {@code id}, summed in double (the same value a search
     * returns for it), or {@link Double#NaN} if no live vector has that id. Used to score fusion candidates that the
     * dense search did not return.
     */
    public double score(float[] query, int id) {
        VectorChecks.checkQuery(query, 1, dimension);
        lock.readLock().lock();
        try {
            Integer slot = slotOf.get(id);
            return slot == null ? Double.NaN : vectors.dotExact(query, slot);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void save(Path dir) throws IOException {
        lock.readLock().lock();
        try {
            checkOpen();
            Files.createDirectories(dir);
            int n = slotOf.size();
            int[] liveSlots = new int[n];
            int m = 0;
            for (int s = 0, total = vectors.size(); s < total; s++) {
                if (!deleted[s]) liveSlots[m++] = s;
            }
            int[] liveIds = new int[n];
            for (int i = 0; i < n; i++) liveIds[i] = ids[liveSlots[i]];
            String gen = IndexFolder.newGeneration();
            String idFile = "flat-ids-" + gen + ".i32";
            String vecFile = "flat-vectors-" + gen + ".f32";
            IndexFolder.writeInts(dir, idFile, liveIds, n);
            float[] row = new float[dimension];
            int[] current = {-1};
            IndexFolder.writeFloats(dir, vecFile, i -> {
                int r = (int) (i / dimension);
                if (r != current[0]) {
                    vectors.copy(liveSlots[r], row);
                    current[0] = r;
                }
                return row[(int) (i % dimension)];
            }, (long) n * dimension);
            IndexFolder.commitMeta(dir, new IndexMeta(IndexMeta.FORMAT, KIND, dimension, n, Map.of(),
                    Map.of("ids", idFile, "vectors", vecFile)), FILE_PREFIXES);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("flat index is closed");
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
