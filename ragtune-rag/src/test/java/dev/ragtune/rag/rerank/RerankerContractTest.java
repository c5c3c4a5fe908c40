package dev.ragtune.rag.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link Reranker} must do. An implementation's test extends this and supplies the re-ranker (created
 * once per class, closed after).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RerankerContractTest {
    /** Tolerance for comparing a pair's score alone and inside a (padded) batch. */
    protected static final float BATCH_TOLERANCE = 1e-4f;

    protected Reranker reranker;

    protected abstract Reranker newReranker();

    @BeforeAll
    void open() {
        reranker = newReranker();
    }

    @AfterAll
    void closeIt() {
        reranker.close();
    }

    protected static final String QUERY = "How many people live in Berlin?";

    protected static List<String> passages(int n) {
        String[] base = {
            "Berlin has a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.",
            "New York City is famous for the Metropolitan Museum of Art.",
            "A regularização L2 penaliza pesos grandes e ajuda a reduzir overfitting.",
            "Berlin is the capital of Germany.",
            "The Spree river flows through the centre of the city.",
            "Paris",
            "We propose Low-Rank Adaptation, or LoRA, which freezes the pre-trained model weights.",
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(base[i % base.length] + (i < base.length ? "" : " (" + i + ")"));
        return out;
    }

    @Test
    void scoresOnePerPassageInInputOrderWhateverTheBatch() {
        List<String> ps = passages(40); // more than one batch of most implementations
        float[] all = reranker.score(QUERY, ps);
        assertThat(all).hasSize(ps.size());
        for (int i = 0; i < ps.size(); i += 7) {
            float alone = reranker.score(QUERY, List.of(ps.get(i)))[0];
            assertThat(all[i]).as("passage %d alone vs in a batch", i).isCloseTo(alone, within(BATCH_TOLERANCE));
        }
        for (float s : all) assertThat(Float.isFinite(s)).isTrue();
    }

    @Test
    void scoringIsDeterministic() {
        List<String> ps = passages(7);
        assertThat(reranker.score(QUERY, ps)).containsExactly(reranker.score(QUERY, ps));
    }

    @Test
    void rerankReturnsTheCandidatesSortedByTheirScores() {
        List<String> ps = passages(7);
        float[] scores = reranker.score(QUERY, ps);
        List<Scored<String>> ranked = reranker.rerank(QUERY, ps, 7);
        assertThat(ranked).hasSize(7);
        assertThat(ranked).extracting(Scored::item).containsExactlyInAnyOrderElementsOf(ps);
        for (Scored<String> s : ranked) {
            assertThat(s.item()).isEqualTo(ps.get(s.originalRank()));
            assertThat(s.score()).isCloseTo(scores[s.originalRank()], within(BATCH_TOLERANCE));
        }
        for (int i = 1; i < ranked.size(); i++) {
            assertThat(ranked.get(i - 1).score()).isGreaterThanOrEqualTo(ranked.get(i).score());
        }
        Integer[] byScore = new Integer[7];
        for (int i = 0; i < 7; i++) byScore[i] = i;
        Arrays.sort(byScore, (a, b) -> Float.compare(scores[b], scores[a]));
        assertThat(ranked).extracting(Scored::originalRank).containsExactly(byScore);
    }

    @Test
    void equalPassagesKeepTheirInputOrder() {
        String p = passages(1).get(0);
        List<String> ps = List.of(p, passages(2).get(1), p, p);
        List<Scored<String>> ranked = reranker.rerank(QUERY, ps, 4);
        List<Integer> ranksOfCopies = ranked.stream().filter(s -> s.item().equals(p)).map(Scored::originalRank)
                .toList();
        assertThat(ranksOfCopies).containsExactly(0, 2, 3);
    }

    @Test
    void kKeepsTheBestKAndKBeyondTheListKeepsAll() {
        List<String> ps = passages(5);
        List<Scored<String>> all = reranker.rerank(QUERY, ps, 100);
        assertThat(all).hasSize(5);
        assertThat(reranker.rerank(QUERY, ps, 2)).containsExactlyElementsOf(all.subList(0, 2));
        assertThatThrownBy(() -> reranker.rerank(QUERY, ps, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be >= 1");
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertThat(reranker.score(QUERY, List.of())).isEmpty();
        assertThat(reranker.rerank(QUERY, List.of(), 10)).isEmpty();
    }

    @Test
    void rerankOfItemsUsesTheirTextAndKeepsTheItems() {
        record Doc(int id, String text) {}
        List<Doc> docs = new ArrayList<>();
        List<String> ps = passages(4);
        for (int i = 0; i < ps.size(); i++) docs.add(new Doc(100 + i, ps.get(i)));
        List<Scored<Doc>> byDoc = reranker.rerank(QUERY, docs, Doc::text, 4);
        List<Scored<String>> byText = reranker.rerank(QUERY, ps, 4);
        assertThat(byDoc).extracting(s -> s.item().id() - 100)
                .containsExactlyElementsOf(byText.stream().map(Scored::originalRank).toList());
    }

    @Test
    void scoreCountThatDoesNotMatchThePassagesIsReported() {
        Reranker dropsOne = (q, ps) -> Arrays.copyOf(reranker.score(q, ps), Math.max(0, ps.size() - 1));
        assertThatThrownBy(() -> dropsOne.rerank(QUERY, passages(3), 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 scores for 3 passages");
    }

    @Test
    void nullPassageIsRejected() {
        List<String> withNull = new ArrayList<>(passages(2));
        withNull.add(null);
        assertThatThrownBy(() -> reranker.score(QUERY, withNull)).isInstanceOf(NullPointerException.class);
    }
}
