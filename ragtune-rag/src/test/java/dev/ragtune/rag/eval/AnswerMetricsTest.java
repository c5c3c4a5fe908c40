package dev.ragtune.rag.eval;

import static dev.ragtune.rag.eval.AnswerMetrics.Variant.PORTUGUESE;
import static dev.ragtune.rag.eval.AnswerMetrics.Variant.SQUAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact match and F1 against hand-computed cases and the official SQuAD v1.1 evaluate script's rules. */
class AnswerMetricsTest {
    @Test
    void normalisationLowersStripsAsciiPunctuationDropsArticlesAndCollapsesSpaces() {
        assertThat(AnswerMetrics.normalize("  The  Denver Broncos! ", SQUAD)).isEqualTo("denver broncos");
        assertThat(AnswerMetrics.normalize("A cat, an owl; THE end.", SQUAD)).isEqualTo("cat owl end");
        // punctuation is removed before articles, as in the script: "the-end" becomes "theend" (not an article)
        assertThat(AnswerMetrics.normalize("the-end", SQUAD)).isEqualTo("theend");
        // articles are whole words only
        assertThat(AnswerMetrics.normalize("theatre another", SQUAD)).isEqualTo("theatre another");
        // non-ASCII punctuation is kept, like Python's string.punctuation
        assertThat(AnswerMetrics.normalize("«sim»", SQUAD)).isEqualTo("«sim»");
    }

    @Test
    void theDenverBroncosExactlyMatchesDenverBroncos() {
        assertThat(AnswerMetrics.exactMatch("The Denver Broncos", List.of("Denver Broncos"), SQUAD)).isEqualTo(1.0);
        assertThat(AnswerMetrics.exactMatch("Denver", List.of("Denver Broncos"), SQUAD)).isEqualTo(0.0);
    }

    @Test
    void f1OfTheCatSatAgainstACatSatOnIsPointEight() {
        // normalised: [cat, sat] vs [cat, sat, on]: precision 2/2, recall 2/3, F1 = 2·(1·2/3)/(1+2/3) = 0.8
        assertThat(AnswerMetrics.f1("the cat sat", List.of("a cat sat on"), SQUAD)).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void f1CountsTokensAsMultisets() {
        // [cat, cat] vs [cat]: one shared token; precision 1/2, recall 1/1 → 2/3
        assertThat(AnswerMetrics.f1("cat cat", List.of("cat"), SQUAD)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void punctuationDoesNotCostExactMatch() {
        assertThat(AnswerMetrics.exactMatch("Santa Clara, California.", List.of("Santa Clara California"), SQUAD)).isEqualTo(1.0);
        assertThat(AnswerMetrics.f1("\"1,000\"", List.of("1000"), SQUAD)).isEqualTo(1.0);
    }

    @Test
    void theBestReferenceCounts() {
        List<String> golds = List.of("Carolina Panthers", "the Panthers", "Panthers");
        assertThat(AnswerMetrics.exactMatch("Panthers", golds, SQUAD)).isEqualTo(1.0);
        // "Carolina" vs each: 2/3·... Carolina Panthers: p 1, r 1/2 → 2/3; Panthers: 0 → max 2/3
        assertThat(AnswerMetrics.f1("Carolina", golds, SQUAD)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(AnswerMetrics.f1("anything", List.of(), SQUAD)).isZero();
    }

    @Test
    void anEmptyPredictionHasF1ZeroAsInTheOfficialScript() {
        assertThat(AnswerMetrics.f1("", List.of("the"), SQUAD)).isZero();
        assertThat(AnswerMetrics.exactMatch("", List.of("the"), SQUAD)).isEqualTo(1.0);
    }

    @Test
    void portugueseArticlesAreDroppedOnlyInThePortugueseVariant() {
        assertThat(AnswerMetrics.exactMatch("os pesos grandes", List.of("pesos grandes"), SQUAD)).isZero();
        assertThat(AnswerMetrics.exactMatch("os pesos grandes", List.of("pesos grandes"), PORTUGUESE)).isEqualTo(1.0);
        assertThat(AnswerMetrics.normalize("Uma rede, umas camadas e o Dropout", PORTUGUESE)).isEqualTo("rede camadas e dropout");
        // the English articles still go in the Portuguese variant
        assertThat(AnswerMetrics.normalize("The end", PORTUGUESE)).isEqualTo("end");
        // [regularização, l2] vs [a→dropped, regularização, l2, penaliza]: p 1, r 2/3 → 0.8 in pt; en keeps "o"
        assertThat(AnswerMetrics.f1("o regularização L2", List.of("a regularização L2 penaliza"), PORTUGUESE))
                .isCloseTo(0.8, within(1e-12));
        assertThat(AnswerMetrics.f1("o regularização L2", List.of("a regularização L2 penaliza"), SQUAD))
                .isCloseTo(2 * (2.0 / 3) * (2.0 / 3) / (4.0 / 3), within(1e-12));
    }

    @Test
    void aPassageContainsAnAnswerOnlyAsWholeNormalisedTokens() {
        String passage = "Super Bowl 50 was played at Levi's Stadium in Santa Clara, California.";
        assertThat(AnswerMetrics.containsAnswer(passage, List.of("Santa Clara, California"), SQUAD)).isTrue();
        assertThat(AnswerMetrics.containsAnswer(passage, List.of("Levis Stadium"), SQUAD)).isTrue();
        assertThat(AnswerMetrics.containsAnswer(passage, List.of("Clar"), SQUAD)).isFalse();
        assertThat(AnswerMetrics.containsAnswer(passage, List.of("the"), SQUAD)).isFalse();
    }
}
