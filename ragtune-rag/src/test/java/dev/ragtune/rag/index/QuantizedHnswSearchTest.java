package dev.ragtune.rag.index;

import static dev.ragtune.rag.index.VectorIndexContractTest.randomUnitVectors;
import static dev.ragtune.rag.index.VectorIndexContractTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The int8 graph walk with exact rescoring, checked against brute force in double and against Lucene's own search. */
class QuantizedHnswSearchTest {

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (double) a[j] * b[j];
        return s;
    }

    /** Ids of the exact top k by double inner product among {@code ids}, best first (ties by id). */
    private static List<Integer> bruteForce(float[][] v, int[] ids, Set<Integer> skip, float[] q, int k) {
        return IntStream.range(0, ids.length).filter(i -> !skip.contains(ids[i])).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -dot(q, v[i])).thenComparingInt(i -> ids[i]))
                .limit(k).map(i -> ids[i]).toList();
    }

    private static double recall(List<Neighbor> got, List<Integer> exact) {
        Set<Integer> e = new HashSet<>(exact);
        return got.stream().filter(n -> e.contains(n.id())).count() / (double) exact.size();
    }

    @Test
    void recallAt10IsAtLeastLucenesAtTheSameEfOnRandomUnitVectors() {
        int dim = 48;
        float[][] v = randomUnitVectors(4000, dim, 11);
        float[][] queries = randomUnitVectors(150, dim, 12);
        int[] ids = range(0, v.length);
        try (HnswIndex index = HnswIndex.create(dim, 8, 40, 100)) {
            // three batches with a search in between: three segments, as an index grows in practice
            for (int b = 0; b < 3; b++) {
                int from = b * 1500, to = Math.min(v.length, from + 1500);
                index.add(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(v, from, to));
                index.search(queries[0], 10, SearchParams.DEFAULTS);
            }
            for (int ef : new int[] {10, 20, 40, 80}) {
                double ours = 0, lucene = 0;
                for (float[] q : queries) {
                    List<Integer> exact = bruteForce(v, ids, Set.of(), q, 10);
                    ours += recall(index.search(q, 10, new SearchParams(0, ef)), exact);
                    lucene += recall(index.searchLucene(q, 10, ef), exact);
                }
                System.out.printf("ef %d: recall@10 int8 walk + rescoring %.3f, Lucene fp32 %.3f%n", ef,
                        ours / queries.length, lucene / queries.length);
                assertThat(ours).as("ef " + ef).isGreaterThanOrEqualTo(lucene);
            }
        }
    }

    @Test
    void removedVectorsAreNeverReturnedAndTheRestMatchBruteForce() {
        int dim = 32;
        float[][] v = randomUnitVectors(600, dim, 21);
        float[][] queries = randomUnitVectors(30, dim, 22);
        int[] ids = range(100, v.length);
        try (HnswIndex index = HnswIndex.create(dim, 16, 100, 100)) {
            index.add(ids, v);
            index.search(queries[0], 5, SearchParams.DEFAULTS); // the graph copy exists before the delete
            Set<Integer> removed = new HashSet<>();
            for (int id : ids) if (id % 3 != 0) removed.add(id);
            index.remove(removed.stream().mapToInt(Integer::intValue).toArray());
            for (float[] q : queries) {
                List<Neighbor> got = index.search(q, 10, new SearchParams(0, 600));
                assertThat(got).extracting(Neighbor::id).doesNotContainAnyElementsOf(removed);
                assertThat(got).extracting(Neighbor::id).containsExactlyElementsOf(bruteForce(v, ids, removed, q, 10));
            }
        }
    }

    @Test
    void rescoringReturnsTheExactOrderWhereInt8CannotTellVectorsApart() {
        // 40 vectors within 1e-4 of one another: far below the int8 step (max|v| / 127 ~ 0.004), so the int8 scores
        // tie or misorder; with ef >= n every vector is a candidate and the order must be the exact double one
        int dim = 64;
        Random r = new Random(31);
        float[] base = randomUnitVectors(1, dim, 30)[0];
        float[][] v = new float[40][];
        for (int i = 0; i < v.length; i++) {
            float[] x = base.clone();
            for (int j = 0; j < dim; j++) x[j] += (float) (1e-4 * r.nextGaussian());
            double n = Math.sqrt(dot(x, x));
            for (int j = 0; j < dim; j++) x[j] /= (float) n;
            v[i] = x;
        }
        int[] ids = range(0, v.length);
        try (HnswIndex index = HnswIndex.create(dim, 16, 100, 100)) {
            index.add(ids, v);
            for (float[] q : new float[][] {base, randomUnitVectors(1, dim, 32)[0]}) {
                List<Neighbor> got = index.search(q, 10, new SearchParams(0, 64));
                assertThat(got).extracting(Neighbor::id).containsExactlyElementsOf(bruteForce(v, ids, Set.of(), q, 10));
                for (Neighbor n : got) assertThat(n.score()).isEqualTo((float) dot(q, v[n.id()]));
            }
        }
    }

    @Test
    void int8DotKernelsEqualAHandComputedCase() {
        // q . c = 1*3 + 2*(-4) + (-0.5)*10 + 0.25*127 = 3 - 8 - 5 + 31.75 = 21.75 (exact in float)
        float[] q = {1f, 2f, -0.5f, 0.25f};
        byte[] c = {99, 3, -4, 10, 127}; // offset 1
        assertThat(new ScalarInt8Dot(4).dot(q, c, 1)).isEqualTo(21.75f);
        assertThat(new VectorInt8Dot(4).dot(q, c, 1)).isEqualTo(21.75f);
    }

    @Test
    void int8DotKernelsMatchADoubleSumWithinTheRoundingBoundAcrossLengthsAndOffsets() {
        Random r = new Random(41);
        for (int dim : new int[] {1, 7, 8, 15, 16, 17, 33, 64, 100, 384}) {
            float[] q = new float[dim];
            byte[] c = new byte[dim + 13];
            for (int j = 0; j < dim; j++) q[j] = (float) r.nextGaussian();
            for (int j = 0; j < c.length; j++) c[j] = (byte) (r.nextInt(255) - 127);
            double exact = 0, abs = 0;
            for (int j = 0; j < dim; j++) {
                exact += (double) q[j] * c[13 + j];
                abs += Math.abs((double) q[j] * c[13 + j]);
            }
            double bound = ExactRescorer.errorFactor(dim) * abs;
            for (Int8Dot kernel : List.of(new ScalarInt8Dot(dim), new VectorInt8Dot(dim))) {
                assertThat((double) kernel.dot(q, c, 13)).as(kernel.name() + " dim " + dim)
                        .isBetween(exact - bound, exact + bound);
            }
        }
    }

    @Test
    void scoredOrdsPopInScoreOrderIncludingNegativeScores() {
        float[] scores = {0.5f, -0.25f, 0f, -0.0f, 1e-7f, -3f, 2f, -1e-7f};
        ScoredOrds min = new ScoredOrds(2);
        ScoredOrds max = new ScoredOrds(2);
        for (int i = 0; i < scores.length; i++) {
            min.push(ScoredOrds.key(scores[i], i));
            max.pushMax(ScoredOrds.key(scores[i], i));
        }
        List<Float> ascending = new ArrayList<>();
        List<Float> descending = new ArrayList<>();
        while (min.size() > 0) ascending.add(ScoredOrds.score(min.pop()));
        while (max.size() > 0) descending.add(ScoredOrds.score(max.popMax()));
        assertThat(ascending).containsExactly(-3f, -0.25f, -1e-7f, -0.0f, 0f, 1e-7f, 0.5f, 2f);
        assertThat(descending).containsExactly(2f, 0.5f, 1e-7f, 0f, -0.0f, -1e-7f, -0.25f, -3f);
    }
}
