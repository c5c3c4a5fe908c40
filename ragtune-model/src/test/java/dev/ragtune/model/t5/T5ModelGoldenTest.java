package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real loader + forward pass against Hugging Face transformers 4.55 outputs for t5-tiny. */
class T5ModelGoldenTest {
    private static T5Model model;
    private static SafetensorsReader cases;

    @BeforeAll
    static void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static void assertClose(NDArray actual, String key, double tol) {
        float[] expected = cases.readFloats(key);
        assertThat(actual.getShape().getShape()).as(key + " shape").containsExactly(cases.info(key).shape());
        double diff = Golden.maxAbsDiff(actual.toFloatArray(), expected);
        assertThat(diff).as(key + " max abs diff").isLessThanOrEqualTo(tol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2", "long1"})
    void forwardMatchesTransformersHiddenStatesLogitsAndBiases(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            NDArray labels = cases.load(scope, c + ".labels");
            NDArray decIn = model.shiftRight(labels);
            assertThat(decIn.toLongArray()).as("labels shifted right")
                    .containsExactly(cases.readLongs(c + ".decoder_input_ids"));
            T5Output out = model.forward(ids, mask, decIn, true);
            assertClose(out.encoder().lastHiddenState(), c + ".encoder_last_hidden_state", 1e-4);
            IntStream.range(0, out.encoder().hiddenStates().size()).forEach(i ->
                    assertClose(out.encoder().hiddenStates().get(i), c + ".encoder_hidden_states." + i, 1e-4));
            assertThat(out.encoder().hiddenStates()).hasSize(model.config().numLayers() + 1);
            IntStream.range(0, out.decoderHiddenStates().size()).forEach(i ->
                    assertClose(out.decoderHiddenStates().get(i), c + ".decoder_hidden_states." + i, 1e-4));
            assertThat(out.decoderHiddenStates()).hasSize(model.config().numDecoderLayers() + 1);
            assertClose(out.encoder().positionBias(), c + ".encoder_position_bias", 1e-6);
            assertClose(out.decoderPositionBias(), c + ".decoder_position_bias", 1e-6);
            assertClose(out.logits(), c + ".logits", 1e-4);
            float loss = T5Model.loss(out.logits(), labels).getFloat();
            assertThat((double) loss).isCloseTo(cases.readFloats(c + ".loss")[0], org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) model.loss(ids, mask, labels).getFloat())
                    .isCloseTo(cases.readFloats(c + ".loss")[0], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2", "long1"})
    void inferenceEncoderMatchesTransformersLastHiddenState(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            EncoderOutput enc = model.encodeForInference(cases.load(scope, c + ".input_ids"),
                    cases.load(scope, c + ".attention_mask"));
            assertClose(enc.lastHiddenState(), c + ".encoder_last_hidden_state", 1e-4);
            assertClose(enc.positionBias(), c + ".encoder_position_bias", 1e-6);
        }
    }
}
