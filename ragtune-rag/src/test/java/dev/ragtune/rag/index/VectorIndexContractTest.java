package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link VectorIndex} must have. Each implementation's test extends this class and says how to
 * build an empty index and which search parameters make it search exhaustively on these small sets.
 */
abstract class VectorIndexContractTest {
    static final int DIM = 24;

    @TempDir
    Path tmp;

    /** A new empty index of this kind. */
    abstract VectorIndex newIndex(int dim);

    /** Parameters under which this index searches (close to) exhaustively on a few hundred vectors. */
    SearchParams exhaustive() {
        return SearchParams.DEFAULTS;
    }

    static float[][] randomUnitVectors(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                row[j] = (float) r.nextGaussian();
                s += row[j] * row[j];
            }
            for (int j = 0; j < dim; j++) row[j] /= (float) Math.sqrt(s);
        }
        return v;
    }

    static int[] range(int from, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = from + i;
        return ids;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (double) a[j] * b[j];
        return s;
    }

    /** Exhaustive top-k by double inner product, ties by smaller id; ids[i] names vectors[i]. */
    static List<Integer> bruteForce(float[] q, int[] ids, float[][] vectors, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> -dot(q, vectors[i])).thenComparingInt(i -> ids[i]));
        return order.stream().limit(k).map(i -> ids[i]).collect(Collectors.toList());
    }

    static List<Integer> ids(List<Neighbor> result) {
        return result.stream().map(Neighbor::id).collect(Collectors.toList());
    }

    @Test
    void everyStoredVectorIsItsOwnNearestNeighbourWithScoreOne() {
        float[][] v = randomUnitVectors(300, DIM, 1);
        try (VectorIndex index = newIndex(DIM)) {
            index.add(range(1000, 300), v);
            assertThat(index.size()).isEqualTo(300);
            assertThat(index.dimension()).isEqualTo(DIM);
            for (int i = 0; i < 300; i += 7) {
                List<Neighbor> top = index.search(v[i], 3, exhaustive());
                assertThat(top.get(0).id()).isEqualTo(1000 + i);
                assertThat(top.get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void resultsAreBestFirstWithRawInnerProductScoresAndMatchBruteForce() {
        float[][] v = randomUnitVectors(400, DIM, 2);
        float[][] queries = randomUnitVectors(20, DIM, 3);
        int[] ids = range(0, 400);
        try (VectorIndex index = newIndex(DIM)) {
            index.add(ids, v);
            int found = 0;
            for (float[] q : queries) {
                List<Neighbor> top = index.search(q, 10, exhaustive());
                assertThat(top).hasSize(10);
                for (int i = 0; i < top.size(); i++) {
                    Neighbor n = top.get(i);
                    assertThat((double) n.score()).isCloseTo(dot(q, v[n.id()]), org.assertj.core.data.Offset.offset(1e-5));
                    if (i > 0) assertThat(n.score()).isLessThanOrEqualTo(top.get(i - 1).score());
                }
                List<Integer> expected = bruteForce(q, ids, v, 10);
                found += (int) ids(top).stream().filter(expected::contains).count();
            }
            assertThat(found / (20.0 * 10)).as("recall@10 with exhaustive parameters").isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void searchAllEqualsOneSearchPerQueryIncludingRemovedVectorsAndOddBatchSizes() {
        VectorIndex index = newIndex(DIM);
        float[][] v = randomUnitVectors(1300, DIM, 11);
        index.add(range(0, v.length), v);
        index.remove(new int[] {3, 500, 1299});
        for (int nq : new int[] {1, 7, 8, 70}) {
            float[][] queries = randomUnitVectors(nq, DIM, 100 + nq);
            List<List<Neighbor>> all = index.searchAll(queries, 10, exhaustive());
            assertThat(all).hasSize(nq);
            for (int i = 0; i < nq; i++) {
                assertThat(all.get(i)).as("query %d of %d", i, nq).isEqualTo(index.search(queries[i], 10, exhaustive()));
            }
        }
    }

    @Test
    void removedVectorsAreNeverReturnedAndSizeCountsLiveOnes() {
        float[][] v = randomUnitVectors(200, DIM, 4);
        try (VectorIndex index = newIndex(DIM)) {
            index.add(range(0, 200), v);
            index.remove(new int[] {5, 6, 7, 999});
            assertThat(index.size()).isEqualTo(197);
            List<Neighbor> top = index.search(v[5], 200, exhaustive());
            assertThat(ids(top)).doesNotContain(5, 6, 7).contains(4, 8);
            index.add(new int[] {5}, new float[][] {v[5]});
            assertThat(index.search(v[5], 1, exhaustive()).get(0).id()).isEqualTo(5);
            assertThat(index.size()).isEqualTo(198);
        }
    }

    @Test
    void kLargerThanSizeReturnsEveryLiveVector() {
        float[][] v = randomUnitVectors(12, DIM, 5);
        try (VectorIndex index = newIndex(DIM)) {
            assertThat(index.search(v[0], 5, exhaustive())).isEmpty();
            index.add(range(0, 12), v);
            index.remove(new int[] {3});
            List<Neighbor> all = index.search(v[0], 50, exhaustive());
            assertThat(ids(all)).hasSize(11).doesNotHaveDuplicates().doesNotContain(3);
        }
    }

    @Test
    void savedIndexReopensWithTheSameResultsAndKind() throws IOException {
        float[][] v = randomUnitVectors(300, DIM, 6);
        float[][] queries = randomUnitVectors(10, DIM, 7);
        Path dir = tmp.resolve("idx");
        List<List<Neighbor>> before = new ArrayList<>();
        String kind;
        try (VectorIndex index = newIndex(DIM)) {
            kind = index.kind();
            index.add(range(0, 300), v);
            index.remove(new int[] {0, 1, 2});
            for (float[] q : queries) before.add(index.search(q, 10, exhaustive()));
            index.save(dir);
            index.save(dir); // saving twice over the same folder replaces, not appends
        }
        try (VectorIndex reopened = VectorIndexes.open(dir)) {
            assertThat(reopened.kind()).isEqualTo(kind);
            assertThat(reopened.size()).isEqualTo(297);
            assertThat(reopened.dimension()).isEqualTo(DIM);
            for (int i = 0; i < queries.length; i++) {
                assertThat(ids(reopened.search(queries[i], 10, exhaustive()))).isEqualTo(ids(before.get(i)));
            }
        }
    }

    @Test
    void duplicateIdsAreRejectedWithoutChangingTheIndex() {
        float[][] v = randomUnitVectors(3, DIM, 8);
        try (VectorIndex index = newIndex(DIM)) {
            index.add(new int[] {1, 2}, new float[][] {v[0], v[1]});
            assertThatThrownBy(() -> index.add(new int[] {3, 2}, new float[][] {v[2], v[2]}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 2");
            assertThatThrownBy(() -> index.add(new int[] {4, 4}, new float[][] {v[2], v[2]}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 4");
            assertThat(index.size()).isEqualTo(2);
        }
    }

    @Test
    void wrongDimensionsAndBadArgumentsAreRejectedWithClearMessages() {
        try (VectorIndex index = newIndex(DIM)) {
            assertThatThrownBy(() -> index.add(new int[] {1}, new float[][] {new float[DIM + 1]}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension " + (DIM + 1));
            assertThatThrownBy(() -> index.search(new float[DIM - 1], 3, SearchParams.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension " + (DIM - 1));
            assertThatThrownBy(() -> index.search(new float[DIM], 0, SearchParams.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be > 0");
            assertThatThrownBy(() -> index.add(new int[] {1, 2}, new float[][] {new float[DIM]}))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.add(new int[] {-1}, new float[][] {new float[DIM]}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
            float[] nan = new float[DIM];
            nan[3] = Float.NaN;
            assertThatThrownBy(() -> index.add(new int[] {1}, new float[][] {nan}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        }
    }

    @Test
    void truncatedIndexFileFailsToOpenWithAClearMessage() throws IOException {
        Path dir = tmp.resolve("trunc");
        try (VectorIndex index = newIndex(DIM)) {
            index.add(range(0, 300), randomUnitVectors(300, DIM, 9));
            index.save(dir);
        }
        Path largest;
        try (Stream<Path> files = Files.list(dir)) {
            largest = files.filter(p -> !p.getFileName().toString().equals(IndexMeta.FILE_NAME))
                    .filter(p -> !p.getFileName().toString().endsWith(".lock"))
                    .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(largest, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        assertThatThrownBy(() -> VectorIndexes.open(dir).close())
                .isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining(largest.getFileName().toString())
                .hasMessageContaining("ragtune ingest --reindex");
    }

    @Test
    void folderWithoutAnIndexIsReportedAsSuch() {
        assertThatThrownBy(() -> VectorIndexes.open(tmp.resolve("nothing")))
                .isInstanceOf(CorruptIndexException.class).hasMessageContaining("index.json is missing");
    }
}
