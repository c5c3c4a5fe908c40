package dev.ragtune.rag.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Inverted-file index (the equivalent of FAISS {@code IndexIVFFlat} with inner product): a spherical k-means coarse
 * quantizer of {@code nlist} unit centroids, one inverted list of (id, vector) per centroid, and at query time an
 * exact scan (float scan + double rescoring, as {@link FlatIndex}) of the {@code nprobe} lists whose centroids score
 * best.
 *
 * <p>Training is automatic: the quantizer is (re)trained inside {@link #add} whenever the collection has reached
 * {@value #GROWTH}× the size it was last trained on (and at least {@value #MIN_TRAIN} vectors), so it follows the
 * data as it grows (trained at 64, 256, 1,024, ... vectors when added one by one; once when added in one batch).
 * Until the first training every vector sits in one list and search is exact. Retraining re-assigns all live
 * vectors and drops removed ones.
 *
 * <p>Parameters (strings, all optional): {@code nlist} (default {@code round(4·sqrt(n))} at training, clamped to
 * [1, n/4] and at most 65,536), {@code nprobe} (default: 1/8 of nlist, at least 16: on the
 * MiniLM benchmark corpus, 16,384 vectors, nlist 512, recall@10 was 0.954 at nprobe 64 and 0.899 at 32; larger
 * collections need a smaller fraction; {@link SearchParams#nprobe()} overrides per query), {@code seed} (k-means seed, default 42).
 * Training uses at most 256·nlist sampled vectors and {@value #ITERATIONS} Lloyd iterations.
 *
 * <p>On disk: {@code index.json} (with the centroids count, training size and parameters) and little-endian files
 * {@code ivf-centroids-<gen>.f32}, {@code ivf-ids-<gen>.i32}, {@code ivf-lists-<gen>.i32} (list of each vector) and
 * {@code ivf-vectors-<gen>.f32}, vectors in list order, so a reopened index has identical lists.
 */
public final class IvfIndex implements VectorIndex {
    public static final String KIND = "ivf";
    static final int GROWTH = 4;
    static final int MIN_TRAIN = 64;
    static final int ITERATIONS = 10;
    static final int LIST_BLOCK = 32;
    private static final Set<String> FILE_PREFIXES = Set.of("ivf-");

    private final int dimension;
    private final int fixedNlist; // 0 = from n
    private final int fixedNprobe; // 0 = from nlist
    private final long seed;
    private final boolean rowMajorLists;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private float[][] centroids; // null until trained
    private VectorBlocks centroidBlocks;
    private int trainedOn;
    private List<InvertedList> lists = new ArrayList<>();
    private final Map<Integer, long[]> where = new HashMap<>(); // id -> {list, slot}
    private boolean closed;

    /** One inverted list: vectors in block layout plus ids and tombstones by slot. */
    private static final class InvertedList {
        final ScanStore vectors;
        int[] ids = new int[8];
        boolean[] deleted = new boolean[8];

        InvertedList(int dim, boolean rowMajor) {
            vectors = rowMajor ? new RowVectors(dim, LIST_BLOCK) : new VectorBlocks(dim, LIST_BLOCK);
        }

        int append(int id, float[] v) {
            int slot = vectors.append(v);
            if (slot == ids.length) {
                int cap = ids.length * 2;
                ids = Arrays.copyOf(ids, cap);
                deleted = Arrays.copyOf(deleted, cap);
            }
            ids[slot] = id;
            return slot;
        }
    }

    public IvfIndex(int dimension, Map<String, String> params) {
        this(dimension, params, RowVectors.simdDotProduct());
    }

    /**
     * @param rowMajorLists lists as one array per vector scored by Lucene's SIMD dot product ({@link RowVectors}), or
     *                      block-transposed ({@link VectorBlocks}); the default picks by JVM. Results are the same.
     */
    IvfIndex(int dimension, Map<String, String> params, boolean rowMajorLists) {
        if (dimension <= 0) throw new IllegalArgumentException("dimension must be > 0, was " + dimension);
        Map<String, String> p = params == null ? Map.of() : params;
        IndexParams.reject(p, KIND, "nlist", "nprobe", "seed");
        this.dimension = dimension;
        this.fixedNlist = IndexParams.intParam(p, "nlist", 0, 1);
        this.fixedNprobe = IndexParams.intParam(p, "nprobe", 0, 1);
        this.seed = IndexParams.intParam(p, "seed", 42, 0);
        this.rowMajorLists = rowMajorLists;
        lists.add(new InvertedList(dimension, rowMajorLists));
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
    public int size() {
        lock.readLock().lock();
        try {
            return where.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of inverted lists (1 before the first training). */
    public int nlist() {
        lock.readLock().lock();
        try {
            return lists.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Collection size at the last training (0 if never trained). */
    public int trainedOn() {
        lock.readLock().lock();
        try {
            return trainedOn;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** nprobe used when {@link SearchParams#nprobe()} is 0. */
    public int defaultNprobe() {
        lock.readLock().lock();
        try {
            return nprobeFor(lists.size());
        } finally {
            lock.readLock().unlock();
        }
    }

    private int nprobeFor(int nlist) {
        int p = fixedNprobe > 0 ? fixedNprobe : Math.max(16, (int) Math.ceil(nlist / 8.0));
        return Math.min(p, nlist);
    }

    static int defaultNlist(int n) {
        int nlist = (int) Math.round(4 * Math.sqrt(n));
        return Math.max(1, Math.min(Math.min(nlist, n / 4), 65_536));
    }

    @Override
    public void add(int[] ids, float[][] vectors) {
        VectorChecks.checkBatch(ids, vectors, dimension);
        lock.writeLock().lock();
        try {
            checkOpen();
            for (int id : ids) {
                if (where.containsKey(id)) {
                    throw new IllegalArgumentException("id " + id + " is already in the index; remove it first");
                }
            }
            float[] acc = new float[256];
            for (int i = 0; i < ids.length; i++) insert(ids[i], vectors[i], acc);
            int n = where.size();
            if (n >= MIN_TRAIN && n >= GROWTH * trainedOn) retrain();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void insert(int id, float[] v, float[] acc) {
        int list = centroids == null ? 0 : SphericalKMeans.nearest(centroidBlocks, centroids.length, v, acc);
        int slot = lists.get(list).append(id, v);
        where.put(id, new long[] {list, slot});
    }

    /** Trains the quantizer on the live vectors and rebuilds the lists. Caller holds the write lock. */
    private void retrain() {
        int n = where.size();
        int nlist = Math.min(fixedNlist > 0 ? fixedNlist : defaultNlist(n), n);
        // live vectors in id order (deterministic regardless of list layout)
        int[] ids = where.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        float[][] all = new float[n][];
        for (int i = 0; i < n; i++) {
            long[] w = where.get(ids[i]);
            all[i] = new float[dimension];
            lists.get((int) w[0]).vectors.copy((int) w[1], all[i]);
        }
        Random random = new Random(seed);
        int sampleSize = (int) Math.min(n, 256L * nlist);
        float[][] sample = all;
        if (sampleSize < n) {
            int[] idx = SphericalKMeans.sample(n, sampleSize, random);
            sample = new float[sampleSize][];
            for (int i = 0; i < sampleSize; i++) sample[i] = all[idx[i]];
        }
        float[][] unit = new float[sample.length][];
        for (int i = 0; i < sample.length; i++) unit[i] = unit(sample[i]);
        centroids = SphericalKMeans.train(unit, nlist, ITERATIONS, seed);
        centroidBlocks = SphericalKMeans.blocksOf(centroids);
        trainedOn = n;
        lists = new ArrayList<>(nlist);
        for (int c = 0; c < nlist; c++) lists.add(new InvertedList(dimension, rowMajorLists));
        where.clear();
        int[] list = new int[n];
        SphericalKMeans.assignAll(centroidBlocks, nlist, all, list);
        for (int i = 0; i < n; i++) where.put(ids[i], new long[] {list[i], lists.get(list[i]).append(ids[i], all[i])});
    }

    private static float[] unit(float[] v) {
        double norm = Math.sqrt(FlatIndexMath.dot(v, v));
        if (norm == 0) return v.clone();
        float[] u = new float[v.length];
        for (int j = 0; j < v.length; j++) u[j] = (float) (v[j] / norm);
        return u;
    }

    @Override
    public void remove(int[] ids) {
        lock.writeLock().lock();
        try {
            checkOpen();
            for (int id : ids) {
                long[] w = where.remove(id);
                if (w != null) lists.get((int) w[0]).deleted[(int) w[1]] = true;
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
            int nlist = lists.size();
            int nprobe = Math.min(params.nprobe() > 0 ? params.nprobe() : nprobeFor(nlist), nlist);
            ExactTopK top = new ExactTopK(k, query);
            for (int list : probe(query, nprobe)) {
                InvertedList l = lists.get(list);
                top.scan(l.vectors, l.ids, l.deleted);
            }
            return top.result();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The {@code nprobe} lists whose centroids have the largest inner product with {@code query}. */
    private int[] probe(float[] query, int nprobe) {
        if (centroids == null) return new int[] {0};
        int nlist = centroids.length;
        float[] scores = new float[nlist];
        float[] acc = new float[centroidBlocks.blockSize()];
        int bs = centroidBlocks.blockSize();
        for (int b = 0, nb = centroidBlocks.blockCount(); b < nb; b++) {
            centroidBlocks.scoreBlock(b, query, acc);
            System.arraycopy(acc, 0, scores, b * bs, Math.min(bs, nlist - b * bs));
        }
        if (nprobe >= nlist) {
            int[] all = new int[nlist];
            for (int i = 0; i < nlist; i++) all[i] = i;
            return all;
        }
        // partial selection with a small min-heap on (score, list)
        int[] heap = new int[nprobe];
        int size = 0;
        for (int c = 0; c < nlist; c++) {
            if (size < nprobe) {
                heap[size] = c;
                int i = size++;
                while (i > 0 && scores[heap[(i - 1) / 2]] > scores[heap[i]]) {
                    int p = (i - 1) / 2, t = heap[p]; heap[p] = heap[i]; heap[i] = t; i = p;
                }
            } else if (scores[c] > scores[heap[0]]) {
                heap[0] = c;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1, r = l + 1, m = i;
                    if (l < size && scores[heap[l]] < scores[heap[m]]) m = l;
                    if (r < size && scores[heap[r]] < scores[heap[m]]) m = r;
                    if (m == i) break;
                    int t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
                }
            }
        }
        return heap;
    }

    @Override
    public void save(Path dir) throws IOException {
        lock.readLock().lock();
        try {
            checkOpen();
            Files.createDirectories(dir);
            int n = where.size();
            int[] ids = new int[n];
            int[] listOf = new int[n];
            int[][] pos = new int[n][];
            int m = 0;
            for (int l = 0; l < lists.size(); l++) {
                InvertedList list = lists.get(l);
                for (int s = 0, sz = list.vectors.size(); s < sz; s++) {
                    if (list.deleted[s]) continue;
                    ids[m] = list.ids[s];
                    listOf[m] = l;
                    pos[m] = new int[] {l, s};
                    m++;
                }
            }
            String gen = IndexFolder.newGeneration();
            Map<String, String> files = new LinkedHashMap<>();
            files.put("ids", "ivf-ids-" + gen + ".i32");
            files.put("lists", "ivf-lists-" + gen + ".i32");
            files.put("vectors", "ivf-vectors-" + gen + ".f32");
            IndexFolder.writeInts(dir, files.get("ids"), ids, n);
            IndexFolder.writeInts(dir, files.get("lists"), listOf, n);
            float[] row = new float[dimension];
            int[] current = {-1};
            IndexFolder.writeFloats(dir, files.get("vectors"), i -> {
                int r = (int) (i / dimension);
                if (r != current[0]) {
                    lists.get(pos[r][0]).vectors.copy(pos[r][1], row);
                    current[0] = r;
                }
                return row[(int) (i % dimension)];
            }, (long) n * dimension);
            int nc = centroids == null ? 0 : centroids.length;
            if (nc > 0) {
                files.put("centroids", "ivf-centroids-" + gen + ".f32");
                IndexFolder.writeFloats(dir, files.get("centroids"),
                        i -> centroids[(int) (i / dimension)][(int) (i % dimension)], (long) nc * dimension);
            }
            Map<String, String> params = new LinkedHashMap<>();
            params.put("nlist", Integer.toString(fixedNlist));
            params.put("nprobe", Integer.toString(fixedNprobe));
            params.put("seed", Long.toString(seed));
            params.put("centroids", Integer.toString(nc));
            params.put("trainedOn", Integer.toString(trainedOn));
            IndexFolder.commitMeta(dir, new IndexMeta(IndexMeta.FORMAT, KIND, dimension, n, params, files),
                    FILE_PREFIXES);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Loads an index saved by {@link #save}. */
    public static IvfIndex open(Path dir) throws IOException {
        IndexMeta meta = IndexFolder.readMeta(dir);
        if (!KIND.equals(meta.kind())) {
            throw new CorruptIndexException("index in " + dir + " is '" + meta.kind() + "', not '" + KIND + "'");
        }
        Map<String, String> p = meta.params();
        int d = meta.dimension();
        int n = meta.count();
        int nc;
        int trained;
        IvfIndex index;
        try {
            nc = IndexParams.intParam(p, "centroids", 0, 0);
            trained = IndexParams.intParam(p, "trainedOn", 0, 0);
            Map<String, String> build = new HashMap<>();
            if (!"0".equals(p.getOrDefault("nlist", "0"))) build.put("nlist", p.get("nlist"));
            if (!"0".equals(p.getOrDefault("nprobe", "0"))) build.put("nprobe", p.get("nprobe"));
            if (p.containsKey("seed")) build.put("seed", p.get("seed"));
            index = new IvfIndex(d, build);
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException("index file " + dir.resolve(IndexMeta.FILE_NAME) + " has bad parameters ("
                    + e.getMessage() + "); " + IndexFolder.REBUILD, e);
        }
        ByteBuffer idBuf = IndexFolder.read(dir, IndexFolder.file(meta, dir, "ids"), (long) n * Integer.BYTES);
        ByteBuffer listBuf = IndexFolder.read(dir, IndexFolder.file(meta, dir, "lists"), (long) n * Integer.BYTES);
        ByteBuffer vecBuf = IndexFolder.read(dir, IndexFolder.file(meta, dir, "vectors"), (long) n * d * Float.BYTES);
        if (nc > 0) {
            ByteBuffer cb = IndexFolder.read(dir, IndexFolder.file(meta, dir, "centroids"), (long) nc * d * Float.BYTES);
            float[][] c = new float[nc][d];
            for (float[] row : c) for (int j = 0; j < d; j++) row[j] = cb.getFloat();
            index.centroids = c;
            index.centroidBlocks = SphericalKMeans.blocksOf(c);
            index.lists = new ArrayList<>(nc);
            for (int i = 0; i < nc; i++) index.lists.add(new InvertedList(d, index.rowMajorLists));
        }
        index.trainedOn = trained;
        float[] v = new float[d];
        for (int i = 0; i < n; i++) {
            int id = idBuf.getInt();
            int list = listBuf.getInt();
            for (int j = 0; j < d; j++) v[j] = vecBuf.getFloat();
            if (id < 0 || list < 0 || list >= index.lists.size() || index.where.containsKey(id)) {
                throw new CorruptIndexException("index in " + dir + " holds an invalid entry (id " + id + ", list " + list
                        + ") at position " + i + "; " + IndexFolder.REBUILD);
            }
            int slot = index.lists.get(list).append(id, v);
            index.where.put(id, new long[] {list, slot});
        }
        return index;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("ivf index is closed");
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
