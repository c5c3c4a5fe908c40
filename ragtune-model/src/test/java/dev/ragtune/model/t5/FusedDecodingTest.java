package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused incremental decoder (concatenated, norm-folded q|k|v, cross q, wi_0|wi_1 and cross k|v weights, addmm
 * residuals) against the plain per-linear path on t5-tiny: same step logits to float rounding, also with adapters
 * attached (which must not be bypassed) and after a weight is replaced (the copies must be rebuilt); and the
 * inference encoder against {@code encode} with adapters attached.
 */
class FusedDecodingTest {
    private T5Model model;
    private SafetensorsReader cases;

    @BeforeEach
    void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
    }

    @AfterEach
    void close() {
        model.close();
    }

    /** Step logits of teacher-forced incremental decoding of case {@code c}, all steps concatenated. */
    private float[] stepLogits(String c, boolean fuse) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            NDArray dec = cases.load(scope, c + ".decoder_input_ids");
            EncoderOutput enc = model.encode(ids, mask);
            int t = (int) dec.getShape().get(1);
            int b = (int) dec.getShape().get(0);
            DecoderCache cache = model.startDecoding(enc, null, t, fuse);
            long[] decIds = dec.toLongArray();
            int vocab = model.config().vocabSize();
            float[] out = new float[t * b * vocab];
            for (int s = 0; s < t; s++) {
                long[] col = new long[b];
                for (int r = 0; r < b; r++) {
                    col[r] = decIds[r * t + s];
                }
                try (NDManager step = scope.newSubManager()) {
                    float[] logits = model.decodeStep(step.create(col), cache).toFloatArray();
                    System.arraycopy(logits, 0, out, s * b * vocab, logits.length);
                }
            }
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2", "long1"})
    void fusedStepsEqualPlainSteps(String c) {
        // float rounding only: norm weights are folded into the fused GEMMs and residuals added inside them (addmm)
        float[] plain = stepLogits(c, false);
        assertThat(Golden.maxAbsDiff(stepLogits(c, true), plain)).isLessThan(1e-5 * maxAbs(plain));
    }

    /**
     * The largest |logit| (at least 1): 1e-5 of it is float rounding, far below the 1e-2 that a bypassed adapter or
     * a stale fused copy makes.
     */
    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        assertThat(m).isGreaterThan(1.0);
        return m;
    }

    /** On every linear whose name matches, an adapter adding half the layer's own output (x·Wᵀ / 2). */
    private void attachHalfAdapters(java.util.function.Predicate<String> names) {
        for (Linear l : model.linears().values()) {
            if (names.test(l.name())) {
                NDArray w = l.weight();
                model.setAdapter(l.name(), x -> x.getNDArrayInternal().linear(x, w, null).singletonOrThrow().mul(0.5f));
            }
        }
    }

    @Test
    void adaptersOnQvFeedForwardAndCrossAreNotBypassed() {
        float[] base = stepLogits("batch3", true);
        attachHalfAdapters(n -> n.startsWith("decoder.") && (n.endsWith("SelfAttention.q")
                || n.endsWith("SelfAttention.v") || n.endsWith("wi_1") || n.endsWith("EncDecAttention.k")
                || n.endsWith("EncDecAttention.q") || n.endsWith("SelfAttention.o") || n.endsWith("DenseReluDense.wo")));
        float[] fused = stepLogits("batch3", true);
        float[] plain = stepLogits("batch3", false);
        assertThat(Golden.maxAbsDiff(fused, plain)).isLessThan(1e-5 * maxAbs(plain));
        assertThat(Golden.maxAbsDiff(fused, base)).isGreaterThan(1e-2);
    }

    @Test
    void replacedWeightsRebuildTheFusedCopies() {
        float[] before = stepLogits("batch2", true);
        for (String n : new String[] {"decoder.block.1.layer.0.SelfAttention.k",
                "decoder.block.0.layer.2.DenseReluDense.wi_0", "decoder.block.1.layer.1.EncDecAttention.v",
                "decoder.block.0.layer.1.EncDecAttention.q"}) {
            Linear l = model.linear(n);
            NDArray doubled = l.weight().mul(2f);
            doubled.attach(model.manager());
            l.replaceWeight(doubled);
        }
        float[] fused = stepLogits("batch2", true);
        float[] plain = stepLogits("batch2", false);
        assertThat(Golden.maxAbsDiff(fused, plain)).isLessThan(1e-5 * maxAbs(plain));
        assertThat(Golden.maxAbsDiff(fused, before)).isGreaterThan(1e-2);
    }

    private float[] encoderStates(String c, boolean inference) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = cases.load(scope, c + ".input_ids");
            NDArray mask = cases.load(scope, c + ".attention_mask");
            EncoderOutput enc = inference ? model.encodeForInference(ids, mask) : model.encode(ids, mask);
            return enc.lastHiddenState().toFloatArray();
        }
    }

    @Test
    void inferenceEncoderAppliesAdaptersOnQvOAndWo() {
        float[] base = encoderStates("batch3", true);
        attachHalfAdapters(n -> n.startsWith("encoder.") && (n.endsWith(".q") || n.endsWith(".v") || n.endsWith(".o")
                || n.endsWith(".wo")));
        float[] inference = encoderStates("batch3", true);
        float[] plain = encoderStates("batch3", false);
        assertThat(Golden.maxAbsDiff(inference, plain)).isLessThan(1e-5 * maxAbs(plain));
        assertThat(Golden.maxAbsDiff(inference, base)).isGreaterThan(1e-2);
    }
}
