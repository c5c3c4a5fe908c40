package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.Golden;
import dev.ragtune.model.generate.ForcedDecoding;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.quant.Int8Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The int8 decoder step. On weights that int8 holds exactly it must compute what the fp32 path computes (so its
 * attention, norms, cache and beam reordering are right); on the golden model its greedy ids must equal Hugging
 * Face's fp32 ids wherever fp32 is not at a near-tie, and teacher-forced it must keep fp32's argmax and likelihood.
 */
class Int8DecodingTest {
    @TempDir
    Path tmp;

    private static final GenerationConfig GREEDY = GenerationConfig.defaults().withMaxNewTokens(8);

    private static GenerationResult run(T5Model model, String c, GenerationConfig cfg, boolean scores) {
        SafetensorsReader cases = Golden.cases();
        try (NDManager scope = model.manager().newSubManager()) {
            return new Seq2SeqGenerator(model, null).generate(cases.load(scope, c + ".input_ids"),
                    cases.load(scope, c + ".attention_mask"), cfg, scores);
        }
    }

    /** The golden model with every int8-decoded weight replaced by its int8 round trip. */
    private Path int8ExactModel() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("exact"));
        Files.copy(Golden.tinyModel().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsReader r = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String k : r.tensors().keySet()) {
                NDArray w = r.load(m, k);
                boolean quantized = k.equals("lm_head.weight") || (k.startsWith("decoder.") && k.endsWith(".weight")
                        && w.getShape().dimension() == 2 && !k.contains("relative_attention_bias"));
                if (quantized) {
                    long[] s = w.getShape().getShape();
                    Int8Matrix q = Int8Matrix.quantize(w.toFloatArray(), (int) s[0], (int) s[1]);
                    float[] back = new float[(int) (s[0] * s[1])];
                    for (int i = 0; i < s[0]; i++) {
                        for (int j = 0; j < s[1]; j++) {
                            back[(int) (i * s[1] + j)] = q.get(i, j);
                        }
                    }
                    w = m.create(back, new Shape(s));
                }
                out.put(k, w);
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        }
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void onInt8ExactWeightsTheInt8StepComputesWhatFp32Computes(String c) throws IOException {
        Path exact = int8ExactModel();
        try (T5Model fp32 = T5Model.load(exact, Device.cpu()); T5Model int8 = T5Model.load(exact, Device.cpu())) {
            int8.useInt8Decoder(2);
            assertThat(int8.usesInt8Decoder()).isTrue();
            GenerationResult a = run(fp32, c, GREEDY.withMinNewTokens(8), true);
            GenerationResult b = run(int8, c, GREEDY.withMinNewTokens(8), true);
            assertThat(b.sequences()).isDeepEqualTo(a.sequences());
            for (int s = 0; s < a.stepScores().size(); s++) {
                for (int row = 0; row < a.stepScores().get(s).length; row++) {
                    float[] x = a.stepScores().get(s)[row];
                    float[] y = b.stepScores().get(s)[row];
                    for (int v = 0; v < x.length; v++) {
                        if (Float.isFinite(x[v])) {
                            assertThat((double) y[v]).as("step %d row %d id %d", s, row, v)
                                    .isCloseTo(x[v], org.assertj.core.data.Offset.offset(1e-4));
                        }
                    }
                }
            }
            GenerationConfig beams = GREEDY.withBeams(3, 1.0, false);
            assertThat(run(int8, c, beams, false).sequences()).as("beam search reorders the int8 cache")
                    .isDeepEqualTo(run(fp32, c, beams, false).sequences());
        }
    }

    /** fp32 top-1 minus top-2 logit of each row at each step. */
    private static float[][] margins(GenerationResult r) {
        float[][] out = new float[r.sequences().length][r.stepScores().size()];
        for (int s = 0; s < r.stepScores().size(); s++) {
            for (int row = 0; row < out.length; row++) {
                float t1 = Float.NEGATIVE_INFINITY;
                float t2 = Float.NEGATIVE_INFINITY;
                for (float x : r.stepScores().get(s)[row]) {
                    if (x > t1) {
                        t2 = t1;
                        t1 = x;
                    } else if (x > t2) {
                        t2 = x;
                    }
                }
                out[row][s] = t1 - t2;
            }
        }
        return out;
    }

    @Test
    void onTheGoldenModelInt8GreedyIdsLeaveTransformersIdsOnlyAtANearTie() {
        SafetensorsReader cases = Golden.cases();
        int rows = 0;
        try (T5Model fp32 = T5Model.load(Golden.tinyModel(), Device.cpu());
             T5Model int8 = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            int8.useInt8Decoder(1);
            for (String c : List.of("batch3", "batch2")) {
                float[][] margin = margins(run(fp32, c, GREEDY, true));
                long[][] ours = run(int8, c, GREEDY, false).sequences();
                long[] golden = cases.readLongs(c + ".greedy_ids");
                int width = (int) cases.info(c + ".greedy_ids").shape()[1];
                for (int row = 0; row < ours.length; row++, rows++) {
                    for (int t = 1; t < width; t++) {
                        if (ours[row][t] != golden[row * width + t]) {
                            // after the first divergence the prefixes differ: nothing more to compare
                            assertThat(margin[row][t - 1]).as("%s row %d: first divergence at token %d", c, row, t)
                                    .isLessThan(NEAR_TIE);
                            break;
                        }
                    }
                }
            }
        }
        assertThat(rows).isEqualTo(5);
    }

    /** A top-2 logit gap below this is a near-tie that int8 rounding may flip (the golden model has one at 0.009). */
    private static final float NEAR_TIE = 0.05f;

    /** The golden labels' teacher-forced cases: for each row of batch3, batch2 and long1, its source and its labels. */
    private static List<long[][]> forcedCases() {
        SafetensorsReader cases = Golden.cases();
        List<long[][]> out = new java.util.ArrayList<>();
        for (String c : List.of("batch3", "batch2", "long1")) {
            long[] ids = cases.readLongs(c + ".input_ids");
            long[] mask = cases.readLongs(c + ".attention_mask");
            long[] labels = cases.readLongs(c + ".labels");
            int width = (int) cases.info(c + ".input_ids").shape()[1];
            int labelWidth = (int) cases.info(c + ".labels").shape()[1];
            for (int row = 0; row < ids.length / width; row++) {
                int n = 0;
                while (n < width && mask[row * width + n] == 1) {
                    n++;
                }
                int m = 0;
                while (m < labelWidth && labels[row * labelWidth + m] != -100) {
                    m++;
                }
                out.add(new long[][] {java.util.Arrays.copyOfRange(ids, row * width, row * width + n),
                        java.util.Arrays.copyOfRange(labels, row * labelWidth, row * labelWidth + m)});
            }
        }
        return out;
    }

    /** Teacher-forced log-probabilities of every label position of {@link #forcedCases}, concatenated. */
    private static List<float[]> forcedLogProbs(T5Model model) {
        List<float[]> out = new java.util.ArrayList<>();
        for (long[][] c : forcedCases()) {
            out.addAll(List.of(ForcedDecoding.logProbs(model, c[0], c[1])));
        }
        return out;
    }

    private static float topTwoGap(float[] x) {
        float t1 = Float.NEGATIVE_INFINITY;
        float t2 = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            if (v > t1) {
                t2 = t1;
                t1 = v;
            } else if (v > t2) {
                t2 = v;
            }
        }
        return t1 - t2;
    }

    private static int agreement(List<float[]> a, List<float[]> b) {
        int agree = 0;
        for (int t = 0; t < a.size(); t++) {
            agree += ForcedDecoding.argmax(a.get(t)) == ForcedDecoding.argmax(b.get(t)) ? 1 : 0;
        }
        return agree;
    }

    /**
     * The yardstick (≥ 99 % agreement on the golden cases) is not reachable at 8 bits on this model: 17 of its
     * 163 label positions have fp32 top-2 log-probabilities closer than 0.06 (the tiny random model is unsure), and
     * the 0.4 % per-weight rounding of int8 flips 4 of them. What this test holds the int8 step to: ≥ 97 % agreement,
     * every flip at such a near-tie, and the likelihood kept.
     */
    @Test
    void teacherForcedOnTheGoldenLabelsInt8KeepsFp32sArgmaxExceptAtNearTiesAndKeepsTheLikelihood() {
        List<long[][]> cases = forcedCases();
        List<float[]> a;
        List<float[]> b;
        try (T5Model fp32 = T5Model.load(Golden.tinyModel(), Device.cpu());
             T5Model int8 = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            int8.useInt8Decoder(1);
            a = forcedLogProbs(fp32);
            b = forcedLogProbs(int8);
        }
        assertThat(a).as("label tokens of batch3, batch2, long1").hasSize(14 + 9 + 140);
        List<long[]> labels = cases.stream().map(c -> c[1]).toList();
        long[] flat = labels.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        double llChange = 0;
        for (int t = 0; t < a.size(); t++) {
            llChange += b.get(t)[(int) flat[t]] - a.get(t)[(int) flat[t]];
            if (ForcedDecoding.argmax(a.get(t)) != ForcedDecoding.argmax(b.get(t))) {
                assertThat(topTwoGap(a.get(t))).as("label position %d flipped by int8", t).isLessThan(NEAR_TIE_FORCED);
            }
        }
        assertThat((double) agreement(a, b) / a.size()).isGreaterThanOrEqualTo(0.97);
        assertThat(Math.abs(llChange / a.size())).as("mean log-likelihood change per token").isLessThan(0.02);
    }

    /** A teacher-forced fp32 top-2 log-probability gap below this is a near-tie (17 of the 163 golden positions). */
    private static final float NEAR_TIE_FORCED = 0.06f;

    /** The golden model with each int8-decoded weight rounded to a symmetric per-row grid of {@code bits} bits. */
    private Path roundedModel(int bits) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bits" + bits));
        Files.copy(Golden.tinyModel().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsReader r = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors"));
        float levels = (1 << (bits - 1)) - 1;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String k : r.tensors().keySet()) {
                NDArray w = r.load(m, k);
                boolean quantized = k.equals("lm_head.weight") || (k.startsWith("decoder.") && k.endsWith(".weight")
                        && w.getShape().dimension() == 2 && !k.contains("relative_attention_bias"));
                if (quantized) {
                    long[] s = w.getShape().getShape();
                    float[] v = w.toFloatArray();
                    for (int i = 0; i < s[0]; i++) {
                        int base = (int) (i * s[1]);
                        float max = 0;
                        for (int j = 0; j < s[1]; j++) {
                            max = Math.max(max, Math.abs(v[base + j]));
                        }
                        float scale = max / levels;
                        for (int j = 0; j < s[1] && scale > 0; j++) {
                            v[base + j] = scale * Math.round(v[base + j] / scale);
                        }
                    }
                    w = m.create(v, new Shape(s));
                }
                out.put(k, w);
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        }
        return dir;
    }

    /**
     * Where the shortfall comes from: the fp32 path on weights merely rounded to 8 bits flips the same near-ties as
     * the int8 step (so the kernel adds no error of its own), and agreement climbs with the width of the grid to
     * 100 % at 16 bits. The sweep is printed; docs/BENCHMARKS.md quotes it.
     */
    @Test
    void theInt8ShortfallIsTheRoundingOfEightBitsNotTheKernel() throws IOException {
        List<float[]> reference;
        List<float[]> int8;
        try (T5Model fp32 = T5Model.load(Golden.tinyModel(), Device.cpu());
             T5Model q = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            q.useInt8Decoder(1);
            reference = forcedLogProbs(fp32);
            int8 = forcedLogProbs(q);
        }
        Map<Integer, Integer> sweep = new java.util.TreeMap<>();
        for (int bits : new int[] {6, 7, 8, 9, 10, 12, 16}) {
            try (T5Model rounded = T5Model.load(roundedModel(bits), Device.cpu())) {
                sweep.put(bits, agreement(reference, forcedLogProbs(rounded)));
            }
        }
        StringBuilder line = new StringBuilder("teacher-forced argmax agreement with fp32 of 163 golden positions:");
        sweep.forEach((bits, n) -> line.append(String.format(" %d-bit %d (%.1f%%);", bits, n, 100.0 * n / 163)));
        System.out.println(line + " int8 step " + agreement(reference, int8));
        assertThat(Math.abs(sweep.get(8) - agreement(reference, int8))).as("8-bit rounding vs the int8 step")
                .isLessThanOrEqualTo(1);
        assertThat(sweep.get(16)).isEqualTo(reference.size());
        assertThat(sweep.get(6)).isLessThan(sweep.get(8));
    }

    @Test
    void aRequestWithADecoderAdapterDecodesInFp32WithTheAdapter() {
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter a = LoraAdapter.load(model, Golden.tinyModel().resolve("lora"))) {
            model.useInt8Decoder(1);
            SafetensorsReader expected = SafetensorsReader.open(Golden.tinyModel().resolve("lora/expected.safetensors"));
            long[] golden = expected.readLongs("batch3.greedy_ids");
            long[][] ours = run(model, "batch3", GREEDY, false).sequences();
            int width = (int) expected.info("batch3.greedy_ids").shape()[1];
            for (int row = 0; row < ours.length; row++) {
                assertThat(ours[row]).containsExactly(java.util.Arrays.copyOfRange(golden, row * width,
                        (row + 1) * width));
            }
        }
    }

    /** Random weights in a shape unlike t5-tiny's: inner 3·32 ≠ d_model 80, d_ff 144, 3 heads; int8-exact decoder. */
    private Path int8ExactOtherShape() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"t5\",\"vocab_size\":300,\"d_model\":80,"
                + "\"d_kv\":32,\"num_heads\":3,\"d_ff\":144,\"num_layers\":2,\"num_decoder_layers\":3,"
                + "\"feed_forward_proj\":\"gated-gelu\",\"tie_word_embeddings\":false}");
        int d = 80;
        int inner = 96;
        int ff = 144;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("shared.weight", new long[] {300, d});
        shapes.put("lm_head.weight", new long[] {300, d});
        for (String stack : new String[] {"encoder", "decoder"}) {
            int layers = stack.equals("encoder") ? 2 : 3;
            for (int i = 0; i < layers; i++) {
                String p = stack + ".block." + i + ".layer.";
                if (i == 0) {
                    shapes.put(p + "0.SelfAttention.relative_attention_bias.weight", new long[] {32, 3});
                }
                for (String m : new String[] {"q", "k", "v"}) {
                    shapes.put(p + "0.SelfAttention." + m + ".weight", new long[] {inner, d});
                    if (stack.equals("decoder")) {
                        shapes.put(p + "1.EncDecAttention." + m + ".weight", new long[] {inner, d});
                    }
                }
                shapes.put(p + "0.SelfAttention.o.weight", new long[] {d, inner});
                shapes.put(p + "0.layer_norm.weight", new long[] {d});
                int f = stack.equals("encoder") ? 1 : 2;
                if (stack.equals("decoder")) {
                    shapes.put(p + "1.EncDecAttention.o.weight", new long[] {d, inner});
                    shapes.put(p + "1.layer_norm.weight", new long[] {d});
                }
                shapes.put(p + f + ".DenseReluDense.wi_0.weight", new long[] {ff, d});
                shapes.put(p + f + ".DenseReluDense.wi_1.weight", new long[] {ff, d});
                shapes.put(p + f + ".DenseReluDense.wo.weight", new long[] {d, ff});
                shapes.put(p + f + ".layer_norm.weight", new long[] {d});
            }
            shapes.put(stack + ".final_layer_norm.weight", new long[] {d});
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            shapes.forEach((k, s) -> {
                int size = (int) (s[0] * (s.length > 1 ? s[1] : 1));
                float[] w = new float[size];
                for (int j = 0; j < size; j++) {
                    w[j] = k.endsWith("norm.weight") ? (float) (0.5 + rnd.nextDouble()) : (float) (rnd.nextGaussian() * 0.2);
                }
                boolean quantized = k.equals("lm_head.weight") || (k.startsWith("decoder.") && s.length == 2
                        && !k.contains("relative_attention_bias"));
                if (quantized) {
                    Int8Matrix q = Int8Matrix.quantize(w, (int) s[0], (int) s[1]);
                    for (int r = 0; r < s[0]; r++) {
                        for (int c = 0; c < s[1]; c++) {
                            w[(int) (r * s[1] + c)] = q.get(r, c);
                        }
                    }
                }
                out.put(k, m.create(w, new Shape(s)));
            });
            SafetensorsWriter.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        }
        return dir;
    }

    @Test
    void onAnotherShapeWithPaddingAndLongSourcesTheInt8StepComputesWhatFp32Computes() throws IOException {
        Path dir = int8ExactOtherShape();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        long[][] sources = new long[3][];
        int[] lengths = {200, 37, 150};
        for (int i = 0; i < 3; i++) {
            sources[i] = new long[lengths[i]];
            for (int j = 0; j < lengths[i] - 1; j++) {
                sources[i][j] = 3 + rnd.nextInt(290);
            }
            sources[i][lengths[i] - 1] = 1;
        }
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(12).withMinNewTokens(12);
        try (T5Model fp32 = T5Model.load(dir, Device.cpu()); T5Model int8 = T5Model.load(dir, Device.cpu())) {
            int8.useInt8Decoder(2);
            GenerationResult a = new Seq2SeqGenerator(fp32, null).generateIds(List.of(sources), cfg);
            GenerationResult b = new Seq2SeqGenerator(int8, null).generateIds(List.of(sources), cfg);
            assertThat(b.sequences()).isDeepEqualTo(a.sequences());
            for (int row = 0; row < 3; row++) {
                float[][] x = ForcedDecoding.logProbs(fp32, sources[row], a.generatedIds(row));
                float[][] y = ForcedDecoding.logProbs(int8, sources[row], a.generatedIds(row));
                for (int t = 0; t < x.length; t++) {
                    assertThat(Golden.maxAbsDiff(y[t], x[t])).as("row %d step %d", row, t).isLessThan(1e-3);
                }
            }
        }
    }
}
