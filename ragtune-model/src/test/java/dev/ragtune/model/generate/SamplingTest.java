package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.ragtune.model.Golden;
import dev.ragtune.model.t5.T5Model;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sampling through the whole generator on t5-tiny. */
class SamplingTest {
    private static T5Model model;
    private static Seq2SeqGenerator generator;
    private static final List<long[]> PROMPTS = List.of(new long[] {397, 1},
            new long[] {489, 59, 302, 462, 483, 359, 376, 274, 1});
    private static final GenerationConfig BASE = GenerationConfig.defaults().withMaxNewTokens(10).withMinNewTokens(10);

    @BeforeAll
    static void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        generator = new Seq2SeqGenerator(model, null);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void sameSeedGivesSameIds() {
        GenerationConfig cfg = BASE.withSampling(1.0, 0, 1.0, 5L);
        assertThat(generator.generateIds(PROMPTS, cfg).sequences())
                .isDeepEqualTo(generator.generateIds(PROMPTS, cfg).sequences());
    }

    @Test
    void differentSeedsExploreDifferentIds() {
        long[][] a = generator.generateIds(PROMPTS, BASE.withSampling(1.5, 0, 1.0, 1L)).sequences();
        long[][] b = generator.generateIds(PROMPTS, BASE.withSampling(1.5, 0, 1.0, 2L)).sequences();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void topKOneEqualsGreedy() {
        long[][] greedy = generator.generateIds(PROMPTS, BASE).sequences();
        for (long seed = 0; seed < 3; seed++) {
            assertThat(generator.generateIds(PROMPTS, BASE.withSampling(1.0, 1, 1.0, seed)).sequences())
                    .isDeepEqualTo(greedy);
        }
    }

    @Test
    void tinyTopPEqualsGreedy() {
        long[][] greedy = generator.generateIds(PROMPTS, BASE).sequences();
        assertThat(generator.generateIds(PROMPTS, BASE.withSampling(0.7, 0, 1e-6, 11L)).sequences())
                .isDeepEqualTo(greedy);
    }
}
