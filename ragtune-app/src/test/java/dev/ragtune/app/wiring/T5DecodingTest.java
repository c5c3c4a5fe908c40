package dev.ragtune.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request's decoding settings (OpenAI's max_tokens, temperature, top_p, seed) become the T5 model's generation
 * config for that request only, on the tiny T5 of the test resources.
 */
class T5DecodingTest {
    static T5AnswerGenerator t5;

    @BeforeAll
    static void load() throws Exception {
        Path dir = Path.of(T5DecodingTest.class.getResource("/t5-tiny-with-tokenizer").toURI());
        GenerationConfig config = GenerationConfig.read(dir.resolve("generation_config.json")).greedy().withMaxNewTokens(12);
        t5 = new T5AnswerGenerator("t5-tiny", T5Model.load(dir, T5Model.device("cpu")), T5Tokenizer.load(dir), config, 512);
    }

    @AfterAll
    static void close() {
        t5.close();
    }

    static GenerationConfig decoding(Integer maxTokens, Double temperature, Double topP, Long seed) {
        return ((T5AnswerGenerator) T5AnswerGenerator.withDecoding(t5, maxTokens, temperature, topP, seed)).config();
    }

    @Test
    void aTemperatureAboveZeroSamplesWithTopPAndTheSeed() {
        GenerationConfig c = decoding(null, 0.7, 0.9, 42L);

        assertThat(c.doSample()).isTrue();
        assertThat(c.temperature()).isEqualTo(0.7);
        assertThat(c.topP()).isEqualTo(0.9);
        assertThat(c.seed()).isEqualTo(42L);
        assertThat(c.topK()).as("OpenAI has no top_k: off").isZero();
        assertThat(c.maxNewTokens()).isEqualTo(12);
    }

    @Test
    void temperatureZeroOrNoneKeepsTheConfiguredDecoding() {
        assertThat(decoding(null, 0.0, null, 7L)).isEqualTo(t5.config());
        assertThat(decoding(null, null, null, null)).isEqualTo(t5.config());
        assertThat(t5.config().doSample()).isFalse();
    }

    @Test
    void topPAloneSamplesAtOpenAisDefaultTemperatureOfOne() {
        GenerationConfig c = decoding(null, null, 0.5, null);

        assertThat(c.doSample()).isTrue();
        assertThat(c.temperature()).isEqualTo(1.0);
        assertThat(c.topP()).isEqualTo(0.5);
    }

    @Test
    void maxTokensLowersTheServersBoundButNeverRaisesIt() {
        assertThat(decoding(3, null, null, null).maxNewTokens()).isEqualTo(3);
        assertThat(decoding(1000, null, null, null).maxNewTokens()).isEqualTo(12);
    }

    @Test
    void theViewSharesTheModelAndClosingItLeavesTheModelOpen() {
        Generator view = T5AnswerGenerator.withDecoding(t5, 4, 1.2, null, 3L);
        view.close();

        String text = t5.generate(new GenerationRequest("q", "question: What does LoRA freeze?", List.of())).text();
        String again = T5AnswerGenerator.withDecoding(t5, null, 0.0, null, null)
                .generate(new GenerationRequest("q", "question: What does LoRA freeze?", List.of())).text();
        assertThat(again).isEqualTo(text);
    }

    @Test
    void anyOtherGeneratorComesBackUnchanged() {
        Generator other = new Generator() {
            @Override
            public String mode() {
                return "generative";
            }

            @Override
            public String id() {
                return "other";
            }

            @Override
            public int countTokens(String text) {
                return text.length();
            }

            @Override
            public int maxInputTokens() {
                return 64;
            }

            @Override
            public Generation generate(GenerationRequest request) {
                return new Generation("other", List.of());
            }
        };

        assertThat(T5AnswerGenerator.withDecoding(other, 3, 0.9, 0.9, 1L)).isSameAs(other);
    }
}
