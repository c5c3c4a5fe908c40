package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CitationsTest {
    @Test
    void markersNameContextsInOrderOfFirstMentionAndIgnoreNumbersOutOfRange() {
        assertThat(Citations.parse("L2 [2] e dropout [1, 2]; ver [7] e [0].", 3)).containsExactly(2, 1);
        assertThat(Citations.parse("sem citação", 3)).isEmpty();
        assertThat(Citations.strip("Use L2 [2]. E dropout [1, 2] .")).isEqualTo("Use L2. E dropout.");
    }

    @Test
    void overlapCreditsTheBestContextAndThoseWithinEightyPercentOfIt() {
        List<Context> ctx = List.of(
                new Context(1, PromptBuilderTest.hit(1, "a#0", "x"), "A regularização L2 penaliza pesos grandes", 1, 1, 0),
                new Context(2, PromptBuilderTest.hit(2, "b#0", "x"), "ReLU zera entradas negativas", 1, 1, 0),
                new Context(3, PromptBuilderTest.hit(3, "c#0", "x"), "Regularizacao L2 penaliza pesos", 1, 1, 0));
        // answer words: regularizacao l2 penaliza pesos grandes (accents folded) -> shares 5/5, 0/5, 4/5
        assertThat(Citations.byOverlap("Regularização L2: penaliza pesos grandes!", ctx)).containsExactly(1, 3);
        assertThat(Citations.byOverlap("nada a ver", ctx)).isEmpty();
    }
}
