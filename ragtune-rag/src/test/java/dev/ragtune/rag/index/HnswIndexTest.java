package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.testsupport.MiniLmTestEmbeddings;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HnswIndexTest extends VectorIndexContractTest {
    @Override
    VectorIndex newIndex(int dim) {
        return VectorIndexes.create("hnsw", dim, Map.of());
    }

    @Override
    SearchParams exhaustive() {
        return new SearchParams(0, 400);
    }

    @Test
    void recallAt10AgainstFlatIsAtLeast95PercentAtDefaultsOnSquadParagraphs() {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        float[][] p = MiniLmTestEmbeddings.embed(squad.paragraphs().stream().map(SquadDataset.Paragraph::text)
                .collect(Collectors.toList()));
        float[][] q = MiniLmTestEmbeddings.embed(squad.questions().stream().limit(300).map(SquadDataset.Question::text)
                .collect(Collectors.toList()));
        int[] ids = range(0, p.length);
        try (FlatIndex flat = new FlatIndex(p[0].length); VectorIndex hnsw = newIndex(p[0].length)) {
            flat.add(ids, p);
            hnsw.add(ids, p);
            int hits = 0;
            for (float[] query : q) {
                Set<Integer> exact = new HashSet<>(ids(flat.search(query, 10, SearchParams.DEFAULTS)));
                List<Neighbor> approx = hnsw.search(query, 10, SearchParams.DEFAULTS);
                hits += (int) approx.stream().filter(n -> exact.contains(n.id())).count();
            }
            double recall = hits / (10.0 * q.length);
            System.out.println("hnsw recall@10 vs flat on SQuAD paragraphs (M 16, beam 100, ef 100): " + recall);
            assertThat(recall).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void twoReadOnlyReadersSearchWhileAWriterCommits() throws IOException {
        float[][] v = randomUnitVectors(200, DIM, 21);
        Path dir = tmp.resolve("shared");
        try (HnswIndex writer = HnswIndex.create(DIM, 16, 100, 100)) {
            writer.add(range(0, 100), java.util.Arrays.copyOfRange(v, 0, 100));
            writer.save(dir);
            try (VectorIndex r1 = VectorIndexes.open(dir); HnswIndex r2 = HnswIndex.openReadOnly(dir)) {
                // the writer holds the lock, so VectorIndexes.open falls back to read-only
                assertThatThrownBy(() -> r1.add(new int[] {500}, new float[][] {v[0]}))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
                assertThat(r1.size()).isEqualTo(100);
                assertThat(r2.search(v[150], 1, exhaustive()).get(0).id()).isNotEqualTo(150);
                writer.add(range(100, 100), java.util.Arrays.copyOfRange(v, 100, 200));
                writer.remove(new int[] {7});
                writer.save(dir);
                // uncommitted changes are invisible, committed ones appear after refresh
                ((HnswIndex) r1).refresh();
                r2.refresh();
                for (HnswIndex r : new HnswIndex[] {(HnswIndex) r1, r2}) {
                    assertThat(r.size()).isEqualTo(199);
                    assertThat(r.search(v[150], 1, exhaustive()).get(0).id()).isEqualTo(150);
                    assertThat(ids(r.search(v[7], 5, exhaustive()))).doesNotContain(7);
                }
            }
        }
    }

    @Test
    void nonUnitVectorsAreRejectedBecauseDotProductNeedsThem() {
        try (VectorIndex index = newIndex(4)) {
            assertThatThrownBy(() -> index.add(new int[] {1}, new float[][] {{2, 0, 0, 0}}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit-length");
        }
    }

    @Test
    void buildParametersAreValidatedAndPersisted() throws IOException {
        assertThatThrownBy(() -> VectorIndexes.create("hnsw", 4, Map.of("m", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter m must be an integer");
        Path dir = tmp.resolve("p");
        try (VectorIndex index = VectorIndexes.create("hnsw", DIM, Map.of("m", "8", "beamWidth", "40", "ef", "20"))) {
            index.add(range(0, 10), randomUnitVectors(10, DIM, 3));
            index.save(dir);
        }
        assertThat(IndexFolder.readMeta(dir).params()).containsEntry("m", "8").containsEntry("beamWidth", "40")
                .containsEntry("ef", "20");
    }
}
