package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.testsupport.MiniLmTestEmbeddings;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** IVF behaviour, run once per list layout by the subclasses: results must not depend on it. */
abstract class IvfIndexTest extends VectorIndexContractTest {
    abstract boolean rowMajorLists();

    @Override
    VectorIndex newIndex(int dim) {
        return new IvfIndex(dim, Map.of(), rowMajorLists());
    }

    @Override
    SearchParams exhaustive() {
        return new SearchParams(1_000_000, 0);
    }

    private static float[][][] squad() {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        float[][] p = MiniLmTestEmbeddings.embed(squad.paragraphs().stream().map(SquadDataset.Paragraph::text)
                .collect(Collectors.toList()));
        float[][] q = MiniLmTestEmbeddings.embed(squad.questions().stream().limit(300).map(SquadDataset.Question::text)
                .collect(Collectors.toList()));
        return new float[][][] {p, q};
    }

    private static double recallAt10(FlatIndex flat, VectorIndex approx, float[][] queries, SearchParams params) {
        int hits = 0;
        for (float[] query : queries) {
            Set<Integer> exact = new HashSet<>(ids(flat.search(query, 10, SearchParams.DEFAULTS)));
            hits += (int) approx.search(query, 10, params).stream().filter(n -> exact.contains(n.id())).count();
        }
        return hits / (10.0 * queries.length);
    }

    @Test
    void recallAt10AgainstFlatReachesTheTargetAtDefaultsAndGrowsWithNprobe() {
        float[][][] data = squad();
        float[][] p = data[0], q = data[1];
        int[] ids = range(0, p.length);
        try (FlatIndex flat = new FlatIndex(p[0].length); IvfIndex ivf = new IvfIndex(p[0].length, Map.of(), rowMajorLists())) {
            flat.add(ids, p);
            ivf.add(ids, p);
            assertThat(ivf.nlist()).isEqualTo(IvfIndex.defaultNlist(p.length)).isEqualTo(129);
            double atDefault = recallAt10(flat, ivf, q, SearchParams.DEFAULTS);
            double one = recallAt10(flat, ivf, q, new SearchParams(1, 0));
            double all = recallAt10(flat, ivf, q, new SearchParams(ivf.nlist(), 0));
            System.out.printf("ivf recall@10 vs flat on SQuAD paragraphs: nlist %d, nprobe 1: %.3f, default %d: %.3f, all: %.3f%n",
                    ivf.nlist(), one, ivf.defaultNprobe(), atDefault, all);
            assertThat(one).isLessThan(atDefault);
            assertThat(atDefault).isGreaterThanOrEqualTo(0.95);
            assertThat(all).isEqualTo(1.0);
        }
    }

    @Test
    void quantizerRetrainsWhenTheCollectionGrowsFourfold() {
        float[][] v = randomUnitVectors(1100, DIM, 31);
        try (IvfIndex ivf = new IvfIndex(DIM, Map.of(), rowMajorLists())) {
            ivf.add(range(0, 63), Arrays.copyOfRange(v, 0, 63));
            assertThat(ivf.trainedOn()).isZero();
            assertThat(ivf.nlist()).isEqualTo(1);
            ivf.add(range(63, 1), Arrays.copyOfRange(v, 63, 64));
            assertThat(ivf.trainedOn()).isEqualTo(64);
            assertThat(ivf.nlist()).isEqualTo(16); // min(round(4*sqrt(64)), 64/4)
            ivf.add(range(64, 191), Arrays.copyOfRange(v, 64, 255));
            assertThat(ivf.trainedOn()).as("255 < 4 x 64: no retraining yet").isEqualTo(64);
            ivf.add(range(255, 1), Arrays.copyOfRange(v, 255, 256));
            assertThat(ivf.trainedOn()).isEqualTo(256);
            assertThat(ivf.nlist()).isEqualTo(64);
            ivf.add(range(256, 844), Arrays.copyOfRange(v, 256, 1100));
            assertThat(ivf.trainedOn()).isEqualTo(1100);
            assertThat(ivf.nlist()).isEqualTo(IvfIndex.defaultNlist(1100));
            // every vector is still found (exhaustive probe) after the re-assignments
            for (int i = 0; i < 1100; i += 37) {
                assertThat(ivf.search(v[i], 1, exhaustive()).get(0).id()).isEqualTo(i);
            }
        }
    }

    @Test
    void exhaustiveProbeEqualsFlatExactlyAndReopenKeepsTheLists() throws IOException {
        float[][][] data = squad();
        float[][] p = data[0], q = data[1];
        int[] ids = range(0, p.length);
        Path dir = tmp.resolve("ivf");
        try (FlatIndex flat = new FlatIndex(p[0].length); IvfIndex ivf = new IvfIndex(p[0].length, Map.of("nlist", "32"), rowMajorLists())) {
            flat.add(ids, p);
            ivf.add(ids, p);
            assertThat(ivf.nlist()).isEqualTo(32);
            List<List<Neighbor>> before = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                assertThat(ivf.search(q[i], 10, new SearchParams(32, 0))).isEqualTo(flat.search(q[i], 10, SearchParams.DEFAULTS));
                before.add(ivf.search(q[i], 10, new SearchParams(4, 0)));
            }
            ivf.save(dir);
            try (VectorIndex reopened = VectorIndexes.open(dir)) {
                assertThat(((IvfIndex) reopened).nlist()).isEqualTo(32);
                for (int i = 0; i < 100; i++) {
                    assertThat(reopened.search(q[i], 10, new SearchParams(4, 0))).isEqualTo(before.get(i));
                }
            }
        }
    }
}
