package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.t5.DecoderCache;
import dev.ragtune.model.t5.EncoderOutput;
import dev.ragtune.model.t5.T5Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Greedy and beam ids/scores against HF transformers 4.55 generate() on t5-tiny. */
class GenerationGoldenTest {
    private static T5Model model;
    private static SafetensorsReader cases;
    private static Seq2SeqGenerator generator;
    private static final GenerationConfig EIGHT = GenerationConfig.defaults().withMaxNewTokens(8);

    @BeforeAll
    static void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
        generator = new Seq2SeqGenerator(model, null);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static long[][] rows(String key) {
        long[] flat = cases.readLongs(key);
        long[] shape = cases.info(key).shape();
        long[][] out = new long[(int) shape[0]][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, (int) (i * shape[1]), (int) ((i + 1) * shape[1]));
        }
        return out;
    }

    private GenerationResult run(String c, GenerationConfig cfg, boolean keepScores) {
        try (NDManager scope = model.manager().newSubManager()) {
            return generator.generate(cases.load(scope, c + ".input_ids"), cases.load(scope, c + ".attention_mask"),
                    cfg, keepScores);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void greedyIdsAndStepScoresMatchTransformers(String c) {
        GenerationResult r = run(c, EIGHT, true);
        assertThat(r.sequences()).isDeepEqualTo(rows(c + ".greedy_ids"));
        float[] expected = cases.readFloats(c + ".greedy_step_scores");
        long[] shape = cases.info(c + ".greedy_step_scores").shape();
        assertThat(r.stepScores()).hasSize((int) shape[1]);
        float[] actual = new float[expected.length];
        int vocab = (int) shape[2];
        for (int b = 0; b < shape[0]; b++) {
            for (int s = 0; s < shape[1]; s++) {
                System.arraycopy(r.stepScores().get(s)[b], 0, actual, (int) ((b * shape[1] + s) * vocab), vocab);
            }
        }
        assertThat(Golden.maxAbsDiff(actual, expected)).isLessThan(1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void greedyWithoutKeptScoresGivesTheGoldenIds(String c) {
        assertThat(run(c, EIGHT, false).sequences()).isDeepEqualTo(rows(c + ".greedy_ids"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void beamSearchIdsAndScoresMatchTransformers(String c) {
        GenerationResult r = run(c, EIGHT.withBeams(3, 1.0, false), false);
        assertThat(r.sequences()).isDeepEqualTo(rows(c + ".beam3_ids"));
        float[] expected = cases.readFloats(c + ".beam3_sequences_scores");
        assertThat(Golden.maxAbsDiff(r.sequenceScores(), expected)).isLessThan(1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2", "long1"})
    void kvCacheStepLogitsEqualFullForwardLogits(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            NDArray dec = cases.load(scope, c + ".decoder_input_ids");
            NDArray full = model.forward(ids, mask, dec).logits();
            EncoderOutput enc = model.encode(ids, mask);
            int t = (int) dec.getShape().get(1);
            DecoderCache cache = model.startDecoding(enc, null, t);
            long[] decIds = dec.toLongArray();
            int b = (int) dec.getShape().get(0);
            double worst = 0;
            for (int s = 0; s < t; s++) {
                long[] col = new long[b];
                for (int r = 0; r < b; r++) {
                    col[r] = decIds[r * t + s];
                }
                try (NDManager step = scope.newSubManager()) {
                    NDArray stepLogits = model.decodeStep(step.create(col), cache);
                    NDArray expected = full.get(new NDIndex(":, {}, :", s));
                    worst = Math.max(worst, Golden.maxAbsDiff(stepLogits.toFloatArray(), expected.toFloatArray()));
                }
            }
            assertThat(worst).isLessThan(1e-4);
        }
    }

    @Test
    void promptsOfDifferentLengthsGiveTheSameIdsBatchedAsAlone() {
        List<long[]> prompts = new ArrayList<>();
        long[][] src = rows("batch3.input_ids");
        long[][] mask = rows("batch3.attention_mask");
        for (int i = 0; i < src.length; i++) {
            prompts.add(Arrays.copyOf(src[i], (int) Arrays.stream(mask[i]).sum()));
        }
        GenerationConfig cfg = EIGHT.withMinNewTokens(5);
        GenerationResult batched = generator.generateIds(prompts, cfg);
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone = generator.generateIds(List.of(prompts.get(i)), cfg);
            assertThat(batched.generatedIds(i)).containsExactly(alone.generatedIds(0));
        }
    }

    @Test
    void minNewTokensDelaysEos() {
        // batch3 emits EOS at once without the constraint (golden greedy_ids = [0, 1])
        GenerationResult r = generator.generateIds(List.of(rows("batch3.input_ids")[2]), EIGHT.withMinNewTokens(8));
        assertThat(r.generated()[0]).isEqualTo(8);
        long[] ids = r.generatedIds(0);
        for (int i = 0; i < ids.length; i++) {
            assertThat(ids[i]).as("token " + i).isNotEqualTo(1L);
        }
    }

    @Test
    void noRepeatNgramSizeTwoNeverRepeatsABigram() {
        // batch2 row 0 greedily repeats 146 146 146 / 361 446 361 446 (golden greedy_ids)
        long[] src = Arrays.copyOf(rows("batch2.input_ids")[0], 2);
        GenerationResult r = generator.generateIds(List.of(src), EIGHT.withMaxNewTokens(12).withNoRepeatNgramSize(2));
        long[] seq = r.sequences()[0];
        int len = 1 + r.generated()[0];
        java.util.Set<List<Long>> seen = new java.util.HashSet<>();
        for (int i = 0; i + 1 < len; i++) {
            assertThat(seen.add(List.of(seq[i], seq[i + 1]))).as("bigram at " + i).isTrue();
        }
    }

    @Test
    void generationLeavesNoArraysInTheModelManager() {
        int before = model.manager().getManagedArrays().size();
        generator.generateIds(List.of(rows("batch2.input_ids")[0]), EIGHT.withMinNewTokens(8));
        generator.generateIds(List.of(rows("batch2.input_ids")[0]), EIGHT.withBeams(3, 1.0, false));
        assertThat(model.manager().getManagedArrays()).hasSize(before);
    }
}
