package dev.ragtune.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.t5.T5Model;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PEFT adapter from golden/t5-tiny/lora against PEFT 0.20 outputs: logits, loss, gradients, merge. */
class LoraGoldenTest {
    private static T5Model model;
    private static SafetensorsReader cases;
    private static SafetensorsReader expected;

    @BeforeAll
    static void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
        expected = SafetensorsReader.open(adapterDir().resolve("expected.safetensors"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Path adapterDir() {
        return Golden.tinyModel().resolve("lora");
    }

    private static void assertClose(NDArray actual, SafetensorsReader ref, String key, double tol) {
        assertThat(actual.getShape().getShape()).as(key + " shape").containsExactly(ref.info(key).shape());
        assertThat(Golden.maxAbsDiff(actual.toFloatArray(), ref.readFloats(key))).as(key).isLessThanOrEqualTo(tol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void loadedPeftAdapterGivesPeftLogitsLossAndGradients(String c) {
        try (LoraAdapter adapter = LoraAdapter.load(model, adapterDir());
             NDManager scope = model.manager().newSubManager()) {
            assertThat(adapter.config().scaling()).isEqualTo(2.0);
            assertThat(adapter.modules()).hasSize(12);
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            NDArray labels = cases.load(scope, c + ".labels");
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                var out = model.forward(ids, mask, model.shiftRight(labels));
                NDArray loss = T5Model.loss(out.logits(), labels);
                assertClose(out.logits(), expected, c + ".logits", 1e-4);
                assertClose(out.encoder().lastHiddenState(), expected, c + ".encoder_last_hidden_state", 1e-4);
                assertThat((double) loss.getFloat()).isCloseTo(expected.readFloats(c + ".loss")[0], offset(1e-5));
                gc.backward(loss);
            }
            int checked = 0;
            for (Map.Entry<String, NDArray> p : adapter.parameters().entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    assertClose(g, expected, c + ".grad." + p.getKey(), 1e-4);
                }
                checked++;
            }
            assertThat(checked).isEqualTo(24);
        }
    }

    /**
     * Regression: tensors autograd saves for backward must not live in Java buffers that are freed before backward
     * (scalar operands, per-block scopes). Garbage collection plus fresh NaN-filled direct buffers between forward and
     * backward would otherwise turn the gradients into garbage.
     */
    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        try (LoraAdapter adapter = LoraAdapter.load(model, adapterDir());
             NDManager scope = model.manager().newSubManager()) {
            NDArray labels = cases.load(scope, "batch3.labels");
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = T5Model.loss(model.forward(cases.load(scope, "batch3.input_ids"),
                        cases.load(scope, "batch3.attention_mask"), model.shiftRight(labels)).logits(), labels);
                java.util.List<java.nio.ByteBuffer> junk = new java.util.ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    System.gc();
                    Thread.sleep(50);
                    for (int i = 0; i < 200; i++) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4096);
                        while (b.hasRemaining()) {
                            b.put((byte) 0xFF);
                        }
                        junk.add(b);
                    }
                }
                gc.backward(loss);
                assertThat(junk).hasSize(600);
            }
            for (Map.Entry<String, NDArray> p : adapter.parameters().entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    assertClose(g, expected, "batch3.grad." + p.getKey(), 1e-4);
                }
            }
        }
    }

    @Test
    void closingTheAdapterRestoresBaseLogits() {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, "batch3.input_ids");
            NDArray mask = cases.load(scope, "batch3.attention_mask");
            NDArray dec = model.shiftRight(cases.load(scope, "batch3.labels"));
            LoraAdapter adapter = LoraAdapter.load(model, adapterDir());
            float[] adapted = model.forward(ids, mask, dec).logits().toFloatArray();
            adapter.close();
            assertClose(model.forward(ids, mask, dec).logits(), cases, "batch3.logits", 1e-4);
            assertThat(Golden.maxAbsDiff(adapted, cases.readFloats("batch3.logits"))).isGreaterThan(1e-2);
        }
    }

    @Test
    void mergeWritesPeftMergedWeightsAndSameLogits(@TempDir Path tmp) {
        Path out = tmp.resolve("merged");
        LoraMerge.merge(Golden.tinyModel(), adapterDir(), out);
        assertThat(out.resolve("config.json")).exists();
        assertThat(out.resolve("generation_config.json")).exists();
        SafetensorsReader merged = SafetensorsReader.open(out.resolve("model.safetensors"));
        int checked = 0;
        for (String key : expected.tensors().keySet()) {
            if (key.startsWith("merged.")) {
                String name = key.substring("merged.".length());
                assertThat(Golden.maxAbsDiff(merged.readFloats(name), expected.readFloats(key))).as(name)
                        .isLessThanOrEqualTo(1e-5);
                checked++;
            }
        }
        assertThat(checked).as("golden stores the self-attention q/v merges; cross-attention is covered by logits")
                .isEqualTo(8);
        assertThat(merged.tensors().keySet()).isEqualTo(SafetensorsReader.open(Golden.tinyModel()
                .resolve("model.safetensors")).tensors().keySet());
        try (T5Model m = T5Model.load(out, Device.cpu()); NDManager scope = m.manager().newSubManager()) {
            for (String c : new String[] {"batch3", "batch2"}) {
                NDArray logits = m.forward(cases.load(scope, c + ".input_ids"), cases.load(scope,
                        c + ".attention_mask"), m.shiftRight(cases.load(scope, c + ".labels"))).logits();
                assertClose(logits, expected, c + ".logits", 1e-4);
            }
        }
    }

    @Test
    void trainableParameterLineCountsLikePeft() {
        long fileCount = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors")).tensors().values()
                .stream().mapToLong(t -> t.elementCount()).sum();
        assertThat(LoraAdapter.baseParameterCount(model.config())).isEqualTo(fileCount);
        try (LoraAdapter adapter = LoraAdapter.load(model, adapterDir())) {
            long lora = 12L * (4 * 64 + 64 * 4);
            assertThat(adapter.trainableParameters()).isEqualTo(lora);
            assertThat(adapter.trainableSummary()).isEqualTo(String.format(java.util.Locale.ROOT,
                    "trainable params: %,d || all params: %,d || trainable%%: %.4f", lora, fileCount + lora,
                    100.0 * lora / (fileCount + lora)));
        }
    }
}
