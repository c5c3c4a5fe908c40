package dev.ragtune.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.Golden;
import dev.ragtune.model.data.BatchOrder;
import dev.ragtune.model.data.ExampleEncoder;
import dev.ragtune.model.data.QaExample;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.lora.LoraConfig;
import dev.ragtune.model.t5.Linear;
import dev.ragtune.model.t5.T5Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA training on the tiny random T5 learns a key → value mapping ("w{k} w300..w303 noise" → "w{k+100}"): validation loss
 * falls, exact match rises, base weights stay bit-identical, the saved adapter reproduces the trained outputs, and a
 * run interrupted and resumed from its checkpoint continues the uninterrupted loss curve.
 */
class LoraTrainingTest {
    private static final List<String> ALL_LINEARS = List.of("q", "k", "v", "o", "wi_0", "wi_1", "wo");

    static List<TokenizedExample> task(int n, long seed) {
        Random r = new Random(seed);
        List<QaExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int key = 10 + r.nextInt(8);
            StringBuilder prompt = new StringBuilder("w" + key);
            int noise = 1 + r.nextInt(3);
            for (int j = 0; j < noise; j++) {
                prompt.append(" w").append(300 + r.nextInt(4));
            }
            out.add(new QaExample("ex" + i, prompt.toString(), List.of("w" + (key + 100))));
        }
        return new ExampleEncoder(new WordCodec(), 16, 8, 1).encode(out, "toy").examples();
    }

    private static Map<String, float[]> baseWeights(T5Model model) {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Linear l : model.linears().values()) {
            w.put(l.name(), l.weight().toFloatArray());
        }
        w.put("shared", model.sharedEmbedding().toFloatArray());
        return w;
    }

    @Test
    void loraLearnsKeyValueTaskAndLeavesBaseWeightsBitIdentical(@TempDir Path out) {
        List<TokenizedExample> train = task(64, 1);
        List<TokenizedExample> val = task(16, 2);
        TrainingConfig cfg = new TrainingConfig(6, 8, 1e-2, 1, 1.0, 0.1, 0.0, 7, 1000,
                BatchOrder.Mode.GROUP_BY_LENGTH, 3);
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(8, 16, 0.0, ALL_LINEARS, "t5-tiny"), 3)) {
            Map<String, float[]> before = baseWeights(model);
            Evaluator evaluator = new Evaluator(model, new WordCodec(), 8, 3);
            EvalResult start = evaluator.evaluate(val);
            TrainingResult result = new Trainer(adapter, cfg, new WordCodec(), null).fit(train, val, out, false);
            EvalResult end = result.validation().get(result.validation().size() - 1);
            assertThat(result.steps()).isEqualTo(6 * 8);
            assertThat(end.loss()).as("validation loss %s -> %s", start.loss(), end.loss())
                    .isLessThan(start.loss() * 0.3);
            assertThat(start.exactMatch()).isLessThan(20);
            assertThat(end.exactMatch()).as("exact match after training").isGreaterThanOrEqualTo(90);
            assertThat(end.f1()).isGreaterThanOrEqualTo(end.exactMatch());
            Map<String, float[]> after = baseWeights(model);
            before.forEach((k, w) -> assertThat(after.get(k)).as(k).isEqualTo(w));

            float[] trained = logits(model, val);
            adapter.close();
            assertThat(Golden.maxAbsDiff(logits(model, val), trained)).as("base differs from adapted")
                    .isGreaterThan(1e-2);
            try (LoraAdapter loaded = LoraAdapter.load(model, out)) {
                assertThat(loaded.config().targetModules()).isEqualTo(ALL_LINEARS);
                assertThat(logits(model, val)).isEqualTo(trained);
            }
        }
    }

    static float[] logits(T5Model model, List<TokenizedExample> examples) {
        var batch = dev.ragtune.model.data.Batch.of(examples, 0);
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray labels = batch.labels(scope);
            return model.forward(batch.inputIds(scope), batch.attentionMask(scope), model.shiftRight(labels))
                    .logits().toFloatArray();
        }
    }

    @Test
    void resumedRunContinuesTheUninterruptedLossCurve(@TempDir Path tmp) {
        List<TokenizedExample> train = task(40, 3);
        TrainingConfig cfg = new TrainingConfig(3, 4, 5e-3, 2, 0.5, 0.2, 0.01, 11, 1000,
                BatchOrder.Mode.PLAIN, 0);
        LoraConfig lora = LoraConfig.of(4, 8, 0.1, List.of("q", "v"), "t5-tiny");
        List<Double> full = new ArrayList<>();
        List<Double> resumed = new ArrayList<>();
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            try (LoraAdapter a = LoraAdapter.create(model, lora, 5)) {
                new Trainer(a, cfg, new WordCodec(), new TrainingListener() {
                    @Override
                    public void onOptimizerStep(long step, double loss) {
                        full.add(loss);
                    }
                }).fit(train, List.of(), tmp.resolve("full"), false);
            }
            Path out = tmp.resolve("interrupted");
            try (LoraAdapter a = LoraAdapter.create(model, lora, 5)) {
                Trainer[] self = new Trainer[1];
                self[0] = new Trainer(a, cfg, new WordCodec(), new TrainingListener() {
                    @Override
                    public void onOptimizerStep(long step, double loss) {
                        resumed.add(loss);
                        if (step == 7) {
                            self[0].requestStop();
                        }
                    }
                });
                TrainingResult r = self[0].fit(train, List.of(), out, false);
                assertThat(r.interrupted()).isTrue();
                assertThat(r.steps()).isEqualTo(7);
            }
            try (LoraAdapter a = LoraAdapter.create(model, lora, 99)) {
                TrainingResult r = new Trainer(a, cfg, new WordCodec(), new TrainingListener() {
                    @Override
                    public void onOptimizerStep(long step, double loss) {
                        resumed.add(loss);
                    }
                }).fit(train, List.of(), out, true);
                assertThat(r.interrupted()).isFalse();
            }
        }
        assertThat(full).hasSize(15);
        assertThat(resumed).hasSize(15);
        for (int i = 0; i < full.size(); i++) {
            assertThat(resumed.get(i)).as("step %d", i + 1).isCloseTo(full.get(i),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(full.get(14)).isLessThan(full.get(0));
    }
}
