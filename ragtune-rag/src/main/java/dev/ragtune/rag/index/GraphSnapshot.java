package dev.ragtune.rag.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;

/**
 * The {@link QuantizedGraph}s of one Lucene reader's segments with their live docs, and the search over them: each
 * segment's beam of ef on int8 scores, the best {@code max(k, ef)} approximate candidates of all segments (as Lucene's
 * {@code KnnFloatVectorQuery} merges them), then exact rescoring. The result is the exact top k (by double inner
 * product) of those candidates: a candidate is rescored unless its upper bound is below the k-th largest lower bound,
 * and a candidate below that line cannot be in the exact top k.
 *
 * @param reader the reader copied (identity tells whether a newer one needs copying)
 * @param byCore each segment's copy by its core cache key, so that the next copy reuses unchanged segments
 */
record GraphSnapshot(IndexReader reader, QuantizedGraph[] graphs, Bits[] live, Map<Object, QuantizedGraph> byCore) {

    static GraphSnapshot copy(IndexReader reader, GraphSnapshot previous, String field, String idField)
            throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        List<QuantizedGraph> graphs = new ArrayList<>(leaves.size());
        List<Bits> live = new ArrayList<>(leaves.size());
        Map<Object, QuantizedGraph> byCore = new HashMap<>();
        for (LeafReaderContext leaf : leaves) {
            var helper = leaf.reader().getCoreCacheHelper();
            Object key = helper == null ? null : helper.getKey();
            QuantizedGraph g = key != null && previous != null ? previous.byCore().get(key) : null;
            if (g == null) g = QuantizedGraph.copy(leaf.reader(), field, idField);
            if (g == null) continue;
            if (key != null) byCore.put(key, g);
            graphs.add(g);
            live.add(leaf.reader().getLiveDocs());
        }
        return new GraphSnapshot(reader, graphs.toArray(new QuantizedGraph[0]), live.toArray(new Bits[0]), byCore);
    }

    List<Neighbor> search(Int8Dot kernel, float[] query, int k, int kPrime, QuantizedGraph.Scratch scratch) {
        Candidates c = scratch.candidatesFor(graphs.length * (long) kPrime);
        for (int seg = 0; seg < graphs.length; seg++) {
            graphs[seg].search(kernel, query, kPrime, live[seg], scratch);
            ScoredOrds results = scratch.results;
            for (int i = 0; i < results.size(); i++) {
                long key = results.at(i);
                c.add(seg, ScoredOrds.ord(key), ScoredOrds.score(key));
            }
        }
        int n = c.keepBest(kPrime);
        double queryNorm = ExactRescorer.norm(query);
        TopDoubles lowers = new TopDoubles(k);
        for (int i = 0; i < n; i++) {
            QuantizedGraph g = graphs[c.seg[i]];
            lowers.offer(c.approx[i] - g.errorBound(queryNorm, c.ord[i]));
        }
        double line = lowers.threshold();
        int rescored = 0;
        for (int i = 0; i < n; i++) {
            QuantizedGraph g = graphs[c.seg[i]];
            if (c.approx[i] + g.errorBound(queryNorm, c.ord[i]) < line) continue;
            c.exact[rescored] = g.exact(query, c.ord[i]);
            c.id[rescored] = g.ids[c.ord[i]];
            rescored++;
        }
        return ExactRescorer.best(k, rescored, c.exact, c.id);
    }

    /** Per-thread candidate arrays across segments (segment, ord, approximate score), reused across queries. */
    static final class Candidates {
        int[] seg;
        int[] ord;
        float[] approx;
        double[] exact;
        int[] id;
        private long[] keys;
        private int size;

        Candidates(int capacity) {
            seg = new int[capacity];
            ord = new int[capacity];
            approx = new float[capacity];
            exact = new double[capacity];
            id = new int[capacity];
            keys = new long[capacity];
        }

        int capacity() {
            return seg.length;
        }

        void clear() {
            size = 0;
        }

        void add(int s, int o, float a) {
            seg[size] = s;
            ord[size] = o;
            approx[size] = a;
            size++;
        }

        /** Keeps the {@code m} best by approximate score (all if fewer) in positions 0..; returns how many. */
        int keepBest(int m) {
            if (size <= m) return size;
            for (int i = 0; i < size; i++) keys[i] = ScoredOrds.key(approx[i], i);
            Arrays.sort(keys, 0, size);
            int[] s2 = new int[m];
            int[] o2 = new int[m];
            float[] a2 = new float[m];
            for (int i = 0; i < m; i++) {
                int from = ScoredOrds.ord(keys[size - 1 - i]);
                s2[i] = seg[from];
                o2[i] = ord[from];
                a2[i] = approx[from];
            }
            System.arraycopy(s2, 0, seg, 0, m);
            System.arraycopy(o2, 0, ord, 0, m);
            System.arraycopy(a2, 0, approx, 0, m);
            size = m;
            return m;
        }
    }
}
