package dev.ragtune.rag.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The default {@link Reranker#rerank} on hand-set scores. */
class RerankerTest {
    @Test
    void rerankSortsByScoreDescendingStableForTiesWithNaNLast() {
        float[] given = {0.5f, Float.NaN, 2f, 0.5f, -1f, 2f};
        Reranker fixed = (q, ps) -> given.clone();
        List<Scored<String>> r = fixed.rerank("q", List.of("a", "b", "c", "d", "e", "f"), 6);
        assertThat(r).extracting(Scored::item).containsExactly("c", "f", "a", "d", "e", "b");
        assertThat(r).extracting(Scored::originalRank).containsExactly(2, 5, 0, 3, 4, 1);
        assertThat(fixed.rerank("q", List.of("a", "b", "c", "d", "e", "f"), 3)).extracting(Scored::item)
                .containsExactly("c", "f", "a");
    }
}
