package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.testsupport.MiniLmTestEmbeddings;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Flat index behaviour, run once per {@link ScanPrecision} by the subclasses: results must not depend on it. */
abstract class FlatIndexTest extends VectorIndexContractTest {
    abstract ScanPrecision precision();

    @Override
    VectorIndex newIndex(int dim) {
        return new FlatIndex(dim, precision());
    }

    @Test
    void flatSearchEqualsDoublePrecisionBruteForceOnSquadParagraphs() {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        List<String> paragraphs = squad.paragraphs().stream().map(SquadDataset.Paragraph::text).collect(Collectors.toList());
        List<String> questions = squad.questions().stream().limit(300).map(SquadDataset.Question::text)
                .collect(Collectors.toList());
        float[][] p = MiniLmTestEmbeddings.embed(paragraphs);
        float[][] q = MiniLmTestEmbeddings.embed(questions);
        int n = p.length;
        // ids in reverse order of insertion, so that "ties by id" is not the same as "ties by slot"
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 5 * (n - i);
        try (FlatIndex index = new FlatIndex(p[0].length, precision())) {
            index.add(ids, p);
            for (float[] query : q) {
                List<Neighbor> top = index.search(query, 10, SearchParams.DEFAULTS);
                assertThat(ids(top)).isEqualTo(bruteForce(query, ids, p, 10));
                for (Neighbor nb : top) {
                    int i = n - nb.id() / 5;
                    assertThat(nb.score()).isEqualTo((float) dot(query, p[i]));
                }
            }
        }
    }

    @Test
    void exactTiesAreOrderedBySmallerId() {
        float[] a = {1, 0, 0, 0};
        float[] b = {0.6f, 0.8f, 0, 0};
        try (FlatIndex index = new FlatIndex(4, precision())) {
            // the same vector under ids 9, 3, 7 plus another one; inserted out of id order
            index.add(new int[] {9, 3, 20, 7}, new float[][] {a, a, b, a});
            assertThat(ids(index.search(a, 4, SearchParams.DEFAULTS))).containsExactly(3, 7, 9, 20);
            assertThat(ids(index.search(a, 2, SearchParams.DEFAULTS))).containsExactly(3, 7);
        }
    }

    @Test
    void nearTiesWithinFloatRoundingAreResolvedExactly() {
        // Vectors whose inner products with q differ by less than float rounding of a 384-term sum: a float-only
        // scan cannot order them, the double rescoring must.
        int dim = 384;
        float[][] v = randomUnitVectors(2000, dim, 11);
        float[] q = v[0].clone();
        int[] ids = range(0, 2000);
        for (int i = 1; i < 2000; i += 2) {
            v[i] = v[0].clone();
            v[i][i % dim] = Math.nextUp(v[i][i % dim]);
            v[i][(i + 1) % dim] = Math.nextDown(v[i][(i + 1) % dim]);
        }
        try (FlatIndex index = new FlatIndex(dim, precision())) {
            index.add(ids, v);
            assertThat(ids(index.search(q, 50, SearchParams.DEFAULTS))).isEqualTo(bruteForce(q, ids, v, 50));
        }
    }

    @Test
    void savedFilesAreRawLittleEndianAndCompacted() throws IOException {
        Path dir = tmp.resolve("flat");
        try (FlatIndex index = new FlatIndex(2, precision())) {
            index.add(new int[] {7, 8, 9}, new float[][] {{1f, 2f}, {3f, 4f}, {5f, 6f}});
            index.remove(new int[] {8});
            index.save(dir);
        }
        IndexMeta meta = IndexFolder.readMeta(dir);
        assertThat(meta.kind()).isEqualTo("flat");
        assertThat(meta.count()).isEqualTo(2);
        byte[] vec = Files.readAllBytes(dir.resolve(meta.files().get("vectors")));
        byte[] idb = Files.readAllBytes(dir.resolve(meta.files().get("ids")));
        assertThat(vec).hasSize(16);
        java.nio.ByteBuffer vb = java.nio.ByteBuffer.wrap(vec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {vb.getFloat(), vb.getFloat(), vb.getFloat(), vb.getFloat()})
                .containsExactly(1f, 2f, 5f, 6f);
        java.nio.ByteBuffer ib = java.nio.ByteBuffer.wrap(idb).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(new int[] {ib.getInt(), ib.getInt()}).containsExactly(7, 9);
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("index.json + one generation of ids and vectors").isEqualTo(3);
        }
    }

    @Test
    void truncatedVectorsFileNamesExpectedAndFoundBytes() throws IOException {
        Path dir = tmp.resolve("t");
        try (FlatIndex index = new FlatIndex(4, precision())) {
            index.add(new int[] {1, 2}, new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}});
            index.save(dir);
        }
        Path vectors = dir.resolve(IndexFolder.readMeta(dir).files().get("vectors"));
        try (FileChannel ch = FileChannel.open(vectors, StandardOpenOption.WRITE)) {
            ch.truncate(20);
        }
        assertThatThrownBy(() -> VectorIndexes.open(dir))
                .isInstanceOf(CorruptIndexException.class)
                .hasMessage("index file " + vectors + " is truncated (expected 32 bytes, found 20); "
                        + "rebuild with `ragtune ingest --reindex`");
    }

    @Test
    void vectorsWithOneDominantComponentAreStillRankedExactly() {
        // one large component squeezes every other one into a few int8 levels: big quantization errors that the
        // first pass must bound, not misorder
        int dim = 64;
        float[][] v = randomUnitVectors(3000, dim, 21);
        for (int i = 0; i < v.length; i++) {
            v[i][i % dim] += 40f;
        }
        float[][] q = randomUnitVectors(20, dim, 22);
        int[] ids = range(0, v.length);
        try (FlatIndex index = new FlatIndex(dim, precision())) {
            index.add(ids, v);
            for (float[] query : q) {
                assertThat(ids(index.search(query, 10, SearchParams.DEFAULTS))).isEqualTo(bruteForce(query, ids, v, 10));
            }
        }
    }

    @Test
    void reopenedIndexReturnsTheSameResults() throws IOException {
        float[][] v = randomUnitVectors(700, 16, 31);
        Path dir = tmp.resolve("reopen");
        List<Neighbor> before;
        try (FlatIndex index = new FlatIndex(16, precision())) {
            index.add(range(0, 700), v);
            before = index.search(v[5], 10, SearchParams.DEFAULTS);
            index.save(dir);
        }
        try (FlatIndex index = FlatIndex.open(dir, precision())) {
            assertThat(index.precision()).isEqualTo(precision());
            assertThat(index.search(v[5], 10, SearchParams.DEFAULTS)).isEqualTo(before);
            assertThat(index.vector(42)).containsExactly(v[42]);
        }
    }

    @Test
    void unknownKindAndParametersAreRejected() {
        assertThatThrownBy(() -> VectorIndexes.create("annoy", 4, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown index kind 'annoy'");
        assertThatThrownBy(() -> VectorIndexes.create("flat", 4, Map.of("nlist", "3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter 'nlist'");
    }

    @Test
    void scoreOfStoredIdEqualsTheSearchScore() {
        float[][] v = randomUnitVectors(50, 8, 12);
        try (FlatIndex index = new FlatIndex(8, precision())) {
            index.add(range(0, 50), v);
            Neighbor best = index.search(v[3], 2, SearchParams.DEFAULTS).get(1);
            assertThat((float) index.score(v[3], best.id())).isEqualTo(best.score());
            assertThat(index.score(v[3], 999)).isNaN();
        }
    }
}
