package dev.ragtune.rag.embed;

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
 * What every {@link Embedder} must do, whatever its model. Each implementation's test extends this class and says
 * how to build the embedder; the embedder is built once per class and closed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmbedderContractTest {
    /** Sentences of different lengths, English and Portuguese, written for these tests. */
    protected static final List<String> SAMPLE = List.of(
            "The river floods every spring.",
            "A biblioteca da universidade abre às oito horas da manhã e fecha às dez da noite durante o semestre.",
            "Vector search returns the nearest neighbours of a query embedding.",
            "Short.",
            "Lucene stores inverted indexes in immutable segments that are merged in the background, which keeps "
                    + "writes cheap and searches fast even while documents are being added.",
            "O aluno deve apresentar o trabalho de conclusão de curso até o fim do semestre letivo.",
            "Cats sleep most of the day.",
            "");

    protected Embedder embedder;

    /** Builds the embedder under test (called once per test class). */
    protected abstract Embedder createEmbedder() throws Exception;

    @BeforeAll
    void openEmbedder() throws Exception {
        embedder = createEmbedder();
    }

    @AfterAll
    void closeEmbedder() {
        if (embedder != null) {
            embedder.close();
        }
    }

    @Test
    void everyVectorHasUnitNormAndTheDeclaredDimension() {
        float[][] vectors = embedder.embed(SAMPLE);
        assertThat(vectors.length).isEqualTo(SAMPLE.size());
        for (float[] v : vectors) {
            assertThat(v).hasSize(embedder.dimension());
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void batchOrderFollowsInputOrderWhateverTheLengths() {
        float[][] forward = embedder.embed(SAMPLE);
        List<String> reversed = new ArrayList<>(SAMPLE);
        java.util.Collections.reverse(reversed);
        float[][] backward = embedder.embed(reversed);
        for (int i = 0; i < SAMPLE.size(); i++) {
            assertThat(cosine(forward[i], backward[SAMPLE.size() - 1 - i])).isGreaterThan(0.99999);
        }
        // and the texts really differ, so a mix-up would be caught
        assertThat(cosine(forward[0], forward[2])).isLessThan(0.9);
    }

    @Test
    void emptyListGivesNoVectors() {
        assertThat(embedder.embed(List.of())).isEmpty();
    }

    @Test
    void sameTextGivesSameVectorEveryTime() {
        float[] first = embedder.embed(SAMPLE.get(2));
        float[] again = embedder.embed(SAMPLE.get(2));
        assertThat(again).containsExactly(first, org.assertj.core.data.Offset.offset(0f));
    }

    @Test
    void singleTextEmbedEqualsItsBatchEntry() {
        float[][] batch = embedder.embed(SAMPLE);
        for (int i = 0; i < SAMPLE.size(); i++) {
            assertThat(cosine(embedder.embed(SAMPLE.get(i)), batch[i])).isGreaterThan(0.99999);
        }
    }

    @Test
    void emptyTextCountsZeroTokensAndLongerTextsCountMore() {
        assertThat(embedder.count("")).isZero();
        assertThat(embedder.count(SAMPLE.get(4))).isGreaterThan(embedder.count(SAMPLE.get(0)));
    }

    @Test
    void nullTextIsRejectedWithItsPosition() {
        List<String> withNull = Arrays.asList("fine", null);
        assertThatThrownBy(() -> embedder.embed(withNull)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("texts[1]");
    }

    @Test
    void idAndLimitsAreDeclared() {
        assertThat(embedder.id()).isNotBlank();
        assertThat(embedder.dimension()).isPositive();
        assertThat(embedder.maxTokens()).isGreaterThan(2);
    }

    protected static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    protected static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }
}
