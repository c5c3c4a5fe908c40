package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
    @Test
    void hitAtKAndMrrMatchHandComputedValues() {
        List<List<String>> rankings = List.of(
                List.of("a", "b", "c"),                    // gold a at rank 1
                List.of("x", "y", "z", "w", "g", "h"),     // gold g at rank 5
                List.of("p", "q"),                         // gold missing
                List.of("m", "n"));                        // gold n at rank 2
        List<String> gold = List.of("a", "g", "zz", "n");
        RetrievalMetrics m = RetrievalMetrics.of(rankings, gold);
        assertThat(m.queries()).isEqualTo(4);
        assertThat(m.hitAt1()).isEqualTo(0.25);
        assertThat(m.hitAt5()).isEqualTo(0.75);
        assertThat(m.hitAt10()).isEqualTo(0.75);
        assertThat(m.mrr()).isCloseTo((1 + 1 / 5.0 + 0 + 1 / 2.0) / 4, offset(1e-12));
        assertThat(RetrievalMetrics.hitAt(2, rankings, gold)).isEqualTo(0.5);
    }

    @Test
    void mismatchedInputsAreRejected() {
        assertThatThrownBy(() -> RetrievalMetrics.of(List.of(List.of("a")), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrievalMetrics.hitAt(0, List.of(List.of("a")), List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
