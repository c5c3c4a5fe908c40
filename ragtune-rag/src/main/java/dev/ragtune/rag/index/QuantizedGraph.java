package dev.ragtune.rag.index;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * Heap copy of one Lucene segment's HNSW graph, searched without Lucene: neighbour lists per level (level 0 as one
 * int array with a fixed stride, upper levels as sorted node lists), the entry point, and per vector its ragtune id,
 * its segment doc, int8 codes with a scale and error-bound coefficient ({@link Int8Code}) for the graph walk, and the
 * float vector for exact rescoring. Immutable once copied; any number of threads may search it, each with its own
 * {@link Scratch}.
 *
 * <p>Heap per vector: d bytes of codes + 4d bytes of floats + 12 bytes (scale, bound, id) + 4 (doc) +
 * 4 (1 + maxConn0) bytes of level-0 neighbours (maxConn0 = 2M in Lucene), plus the upper levels (about 1/M of the
 * nodes each). At d = 384, M = 16: about 2.06 KB per vector.
 */
final class QuantizedGraph {
    final int size;
    final int dimension;
    final int[] ids;
    private final int[] docs;
    final byte[] codes;
    private final float[] scales;
    private final float[] errorCoefs;
    private final float[] vectors;
    private final int stride0;
    private final int[] level0; // per ord: count, then up to stride0 - 1 neighbour ords
    private final int[][] upperNodes; // [level - 1]: sorted ords on that level
    private final int[][] upperLinks; // [level - 1]: per node index: count, then neighbours (stride upperStride)
    private final int[] upperStride;
    private final int entry;

    private QuantizedGraph(int size, int dimension, int[] ids, int[] docs, byte[] codes, float[] scales,
                           float[] errorCoefs, float[] vectors, int stride0, int[] level0, int[][] upperNodes,
                           int[][] upperLinks, int[] upperStride, int entry) {
        this.size = size;
        this.dimension = dimension;
        this.ids = ids;
        this.docs = docs;
        this.codes = codes;
        this.scales = scales;
        this.errorCoefs = errorCoefs;
        this.vectors = vectors;
        this.stride0 = stride0;
        this.level0 = level0;
        this.upperNodes = upperNodes;
        this.upperLinks = upperLinks;
        this.upperStride = upperStride;
        this.entry = entry;
    }

    /** Copies the graph and vectors of {@code field} in one segment, or returns null if the segment has no vectors. */
    static QuantizedGraph copy(LeafReader reader, String field, String idField) throws IOException {
        FloatVectorValues values = reader.getFloatVectorValues(field);
        if (values == null || values.size() == 0) return null;
        HnswGraph graph = graphOf(reader, field);
        int n = values.size();
        int d = values.dimension();
        int[] ids = new int[n];
        int[] docs = new int[n];
        byte[] codes = new byte[n * d];
        float[] scales = new float[n];
        float[] coefs = new float[n];
        float[] vectors = new float[n * d];
        NumericDocValues idValues = reader.getNumericDocValues(idField);
        if (idValues == null) throw new IllegalStateException("hnsw segment has vectors but no '" + idField + "' values");
        int ord = 0;
        for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc(), ord++) {
            float[] v = values.vectorValue();
            System.arraycopy(v, 0, vectors, ord * d, d);
            Int8Code code = Int8Code.encode(v, codes, ord * d, 1);
            scales[ord] = code.scale();
            coefs[ord] = (float) (code.errorCoef() * (1 + 1e-6)); // rounding up to float stays an upper bound
            docs[ord] = doc;
            if (!idValues.advanceExact(doc)) throw new IllegalStateException("hnsw document " + doc + " has no id");
            ids[ord] = (int) idValues.longValue();
        }
        if (ord != n) throw new IllegalStateException("hnsw segment lists " + n + " vectors but yielded " + ord);
        if (graph.size() != n) {
            throw new IllegalStateException("hnsw graph has " + graph.size() + " nodes for " + n + " vectors");
        }
        int[][] links0 = new int[n][];
        int max0 = 0;
        for (int node = 0; node < n; node++) {
            links0[node] = neighbours(graph, 0, node);
            max0 = Math.max(max0, links0[node].length);
        }
        int stride0 = max0 + 1;
        int[] level0 = new int[n * stride0];
        for (int node = 0; node < n; node++) {
            level0[node * stride0] = links0[node].length;
            System.arraycopy(links0[node], 0, level0, node * stride0 + 1, links0[node].length);
        }
        int levels = graph.numLevels();
        int[][] upperNodes = new int[levels - 1][];
        int[][] upperLinks = new int[levels - 1][];
        int[] upperStride = new int[levels - 1];
        for (int level = 1; level < levels; level++) {
            int[] nodes = HnswGraph.NodesIterator.getSortedNodes(graph.getNodesOnLevel(level));
            int[][] links = new int[nodes.length][];
            int max = 0;
            for (int i = 0; i < nodes.length; i++) {
                links[i] = neighbours(graph, level, nodes[i]);
                max = Math.max(max, links[i].length);
            }
            int stride = max + 1;
            int[] flat = new int[nodes.length * stride];
            for (int i = 0; i < nodes.length; i++) {
                flat[i * stride] = links[i].length;
                System.arraycopy(links[i], 0, flat, i * stride + 1, links[i].length);
            }
            upperNodes[level - 1] = nodes;
            upperLinks[level - 1] = flat;
            upperStride[level - 1] = stride;
        }
        return new QuantizedGraph(n, d, ids, docs, codes, scales, coefs, vectors, stride0, level0, upperNodes,
                upperLinks, upperStride, graph.entryNode());
    }

    private static HnswGraph graphOf(LeafReader reader, String field) throws IOException {
        LeafReader unwrapped = FilterLeafReader.unwrap(reader);
        if (unwrapped instanceof CodecReader codecReader) {
            KnnVectorsReader vectors = codecReader.getVectorReader();
            if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
                vectors = perField.getFieldReader(field);
            }
            if (vectors instanceof HnswGraphProvider provider) return provider.getGraph(field);
        }
        throw new IllegalStateException("hnsw segment " + reader + " does not expose an HNSW graph for '" + field + "'");
    }

    private static int[] neighbours(HnswGraph graph, int level, int node) throws IOException {
        graph.seek(level, node);
        int[] out = new int[16];
        int count = 0;
        for (int nb = graph.nextNeighbor(); nb != DocIdSetIterator.NO_MORE_DOCS; nb = graph.nextNeighbor()) {
            if (count == out.length) out = Arrays.copyOf(out, count * 2);
            out[count++] = nb;
        }
        return Arrays.copyOf(out, count);
    }

    /** Approximate score of {@code ord}: the int8 dot product times its scale. */
    float approx(Int8Dot kernel, float[] query, int ord) {
        return kernel.dot(query, codes, ord * dimension) * scales[ord];
    }

    /** Bound on {@code |exact - approx(ord)|} for a query of L2 norm {@code queryNorm}. */
    double errorBound(double queryNorm, int ord) {
        return queryNorm * errorCoefs[ord];
    }

    /** The exact inner product of the query with the stored float vector, in double. */
    double exact(float[] query, int ord) {
        return ExactRescorer.dot(query, vectors, ord * dimension);
    }

    /**
     * Best-first search: greedy descent through the upper levels from the entry point, then a beam of {@code ef} on
     * level 0. Deleted documents ({@code live} false) are walked through but not returned. Leaves up to ef results
     * (approximate scores) in {@code scratch.results}, a min-heap.
     */
    void search(Int8Dot kernel, float[] query, int ef, Bits live, Scratch scratch) {
        ScoredOrds results = scratch.results;
        ScoredOrds candidates = scratch.candidates;
        results.clear();
        candidates.clear();
        int cur = entry;
        float curScore = approx(kernel, query, cur);
        for (int level = upperNodes.length; level >= 1; level--) {
            int[] nodes = upperNodes[level - 1];
            int[] links = upperLinks[level - 1];
            int stride = upperStride[level - 1];
            boolean moved = true;
            while (moved) {
                moved = false;
                int at = Arrays.binarySearch(nodes, cur) * stride;
                int count = links[at];
                for (int i = 1; i <= count; i++) {
                    int nb = links[at + i];
                    float s = approx(kernel, query, nb);
                    if (s > curScore) {
                        curScore = s;
                        cur = nb;
                        moved = true;
                    }
                }
            }
        }
        int[] visited = scratch.visited(size);
        int stamp = scratch.stamp;
        visited[cur] = stamp;
        candidates.pushMax(ScoredOrds.key(curScore, cur));
        if (live == null || live.get(docs[cur])) results.push(ScoredOrds.key(curScore, cur));
        float floor = results.size() >= ef ? ScoredOrds.score(results.peek()) : Float.NEGATIVE_INFINITY;
        while (candidates.size() > 0) {
            long top = candidates.popMax();
            if (ScoredOrds.score(top) < floor) break;
            int at = ScoredOrds.ord(top) * stride0;
            int count = level0[at];
            for (int i = 1; i <= count; i++) {
                int nb = level0[at + i];
                if (visited[nb] == stamp) continue;
                visited[nb] = stamp;
                float s = approx(kernel, query, nb);
                if (s < floor) continue;
                long key = ScoredOrds.key(s, nb);
                candidates.pushMax(key);
                if (live == null || live.get(docs[nb])) {
                    results.push(key);
                    if (results.size() > ef) results.pop();
                    if (results.size() >= ef) floor = ScoredOrds.score(results.peek());
                }
            }
        }
    }

    /** Per-thread search state, reused across queries: the two heaps and a generation-stamped visited array. */
    static final class Scratch {
        final ScoredOrds results = new ScoredOrds(128);
        final ScoredOrds candidates = new ScoredOrds(512);
        private int[] visited = new int[0];
        private int stamp;
        private GraphSnapshot.Candidates merged = new GraphSnapshot.Candidates(256);

        /** Cleared candidate arrays for at least {@code n} entries. */
        GraphSnapshot.Candidates candidatesFor(long n) {
            if (merged.capacity() < n) merged = new GraphSnapshot.Candidates((int) Math.min(n, Integer.MAX_VALUE - 8));
            merged.clear();
            return merged;
        }

        /** A visited array of at least {@code n} entries in which no entry equals the new {@link #stamp}. */
        int[] visited(int n) {
            if (visited.length < n) {
                visited = new int[n];
                stamp = 0;
            }
            if (++stamp == 0) {
                Arrays.fill(visited, 0);
                stamp = 1;
            }
            return visited;
        }
    }
}
