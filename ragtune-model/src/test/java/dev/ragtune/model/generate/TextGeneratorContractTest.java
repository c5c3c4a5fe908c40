package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TextGenerator} must do. Implementations extend this and supply a generator whose vocabulary
 * covers short common English words (the prompts below).
 */
public abstract class TextGeneratorContractTest {
    protected static final List<String> PROMPTS = List.of("the time is in the", "you are", "it was the time of");

    /** The generator under test. */
    protected abstract TextGenerator generator();

    /** The id that ends generation. */
    protected abstract long eosId();

    @Test
    void returnsOneAnswerPerPromptInOrder() {
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(6);
        List<GeneratedText> batched = generator().generate(PROMPTS, cfg);
        assertThat(batched).hasSize(PROMPTS.size());
        for (int i = 0; i < PROMPTS.size(); i++) {
            GeneratedText alone = generator().generate(List.of(PROMPTS.get(i)), cfg).get(0);
            assertThat(batched.get(i).tokenIds()).as(PROMPTS.get(i)).containsExactly(alone.tokenIds());
            assertThat(batched.get(i).text()).isEqualTo(alone.text());
        }
    }

    @Test
    void greedyIsDeterministicAndRespectsMaxNewTokens() {
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(5);
        List<GeneratedText> a = generator().generate(PROMPTS, cfg);
        List<GeneratedText> b = generator().generate(PROMPTS, cfg);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).tokenIds()).containsExactly(b.get(i).tokenIds());
            assertThat(a.get(i).tokenIds().length).isBetween(1, 5);
            assertThat(Double.isNaN(a.get(i).score())).isTrue();
        }
    }

    @Test
    void minNewTokensForcesExactLengthWithoutEos() {
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(7).withMinNewTokens(7);
        for (GeneratedText t : generator().generate(PROMPTS, cfg)) {
            assertThat(t.tokenIds()).hasSize(7).doesNotContain(eosId());
        }
    }

    @Test
    void beamSearchReportsAScore() {
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(5).withBeams(2, 1.0, false);
        for (GeneratedText t : generator().generate(PROMPTS, cfg)) {
            assertThat(t.score()).isNegative();
        }
    }

    @Test
    void invalidSettingsFailFast() {
        assertThatThrownBy(() -> GenerationConfig.defaults().withMaxNewTokens(0))
                .hasMessageContaining("max_new_tokens");
        assertThatThrownBy(() -> GenerationConfig.defaults().withSampling(0.0, 50, 1.0, 1L))
                .hasMessageContaining("temperature");
    }
}
