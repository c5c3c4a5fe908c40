package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ragtune.model.Golden;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.io.SafetensorsReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Linear} adapter hook, driven by the PEFT golden adapter: attaching {@code 2.0 · B(A x)} to every q/v
 * layer by HF name must give PEFT's adapted logits, loss, greedy ids and LoRA gradients (autograd through the same
 * forward code, weights frozen).
 */
class LinearAdapterHookTest {
    private static final String PREFIX = "base_model.model.";
    private static T5Model model;
    private static SafetensorsReader cases;
    private static SafetensorsReader expected;
    private static final Map<String, NDArray> PARAMS = new LinkedHashMap<>();

    @BeforeAll
    static void attachPeftAdapter() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
        expected = SafetensorsReader.open(Golden.tinyModel().resolve("lora/expected.safetensors"));
        SafetensorsReader adapter = SafetensorsReader.open(Golden.tinyModel().resolve("lora/adapter_model.safetensors"));
        List<String> layers = new ArrayList<>();
        for (String key : adapter.tensors().keySet()) {
            if (key.endsWith(".lora_A.weight")) {
                layers.add(key.substring(PREFIX.length(), key.length() - ".lora_A.weight".length()));
            }
        }
        assertThat(layers).hasSize(12);
        for (String layer : layers) {
            NDArray a = adapter.load(model.manager(), PREFIX + layer + ".lora_A.weight");
            NDArray b = adapter.load(model.manager(), PREFIX + layer + ".lora_B.weight");
            PARAMS.put(PREFIX + layer + ".lora_A.weight", a);
            PARAMS.put(PREFIX + layer + ".lora_B.weight", b);
            model.setAdapter(layer, x -> {
                NDArray ax = x.getNDArrayInternal().linear(x, a, null).singletonOrThrow();
                return ax.getNDArrayInternal().linear(ax, b, null).singletonOrThrow().mul(2.0f);
            });
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void adaptedForwardMatchesPeft(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            NDArray labels = cases.load(scope, c + ".labels");
            T5Output out = model.forward(ids, mask, model.shiftRight(labels));
            assertThat(Golden.maxAbsDiff(out.logits().toFloatArray(), expected.readFloats(c + ".logits")))
                    .isLessThan(1e-4);
            assertThat(Golden.maxAbsDiff(out.encoder().lastHiddenState().toFloatArray(),
                    expected.readFloats(c + ".encoder_last_hidden_state"))).isLessThan(1e-4);
            assertThat((double) T5Model.loss(out.logits(), labels).getFloat())
                    .isCloseTo(expected.readFloats(c + ".loss")[0], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void adaptedGreedyIdsMatchPeftThroughTheKvCache(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            GenerationResult r = new Seq2SeqGenerator(model, null).generate(cases.load(scope, c + ".input_ids"),
                    cases.load(scope, c + ".attention_mask"), GenerationConfig.defaults().withMaxNewTokens(8), false);
            long[] flat = expected.readLongs(c + ".greedy_ids");
            long[] shape = expected.info(c + ".greedy_ids").shape();
            for (int row = 0; row < shape[0]; row++) {
                long[] want = java.util.Arrays.copyOfRange(flat, (int) (row * shape[1]), (int) ((row + 1) * shape[1]));
                assertThat(r.sequences()[row]).as("row " + row).containsExactly(want);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void loraGradientsThroughTheSameForwardMatchPeft(String c) {
        PARAMS.values().forEach(p -> p.setRequiresGradient(true));
        try (NDManager scope = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.zeroGradients();
            NDArray loss = model.loss(cases.load(scope, c + ".input_ids"), cases.load(scope, c + ".attention_mask"),
                    cases.load(scope, c + ".labels"));
            gc.backward(loss);
            for (Map.Entry<String, NDArray> e : PARAMS.entrySet()) {
                float[] grad = e.getValue().getGradient().toFloatArray();
                assertThat(Golden.maxAbsDiff(grad, expected.readFloats(c + ".grad." + e.getKey())))
                        .as(e.getKey()).isLessThan(1e-4);
            }
        } finally {
            PARAMS.values().forEach(p -> p.setRequiresGradient(false));
        }
    }
}
