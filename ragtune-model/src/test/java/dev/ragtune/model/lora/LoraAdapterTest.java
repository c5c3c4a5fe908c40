package dev.ragtune.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.Golden;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.train.GreedyDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Creating, matching, saving, loading and rejecting LoRA adapters on the tiny golden model. */
class LoraAdapterTest {
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

    private static float[] logits(String c) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.forward(cases.load(scope, c + ".input_ids"), cases.load(scope, c + ".attention_mask"),
                    model.shiftRight(cases.load(scope, c + ".labels"))).logits().toFloatArray();
        }
    }

    private static List<long[]> sources(String c) {
        long[] ids = cases.readLongs(c + ".input_ids");
        long[] mask = cases.readLongs(c + ".attention_mask");
        long[] shape = cases.info(c + ".input_ids").shape();
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < shape[0]; i++) {
            int len = 0;
            for (int j = 0; j < shape[1]; j++) {
                len += (int) mask[(int) (i * shape[1] + j)];
            }
            out.add(java.util.Arrays.copyOfRange(ids, (int) (i * shape[1]), (int) (i * shape[1] + len)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch3", "batch2"})
    void adaptedGreedyIdsEqualPeftGreedyIds(String c) {
        SafetensorsReader expected = SafetensorsReader.open(LoraGoldenTest.adapterDir().resolve("expected.safetensors"));
        long[] golden = expected.readLongs(c + ".greedy_ids");
        int width = (int) expected.info(c + ".greedy_ids").shape()[1];
        try (LoraAdapter adapter = LoraAdapter.load(model, LoraGoldenTest.adapterDir())) {
            List<long[]> mine = GreedyDecoder.generate(model, sources(c), 8);
            GenerationConfig greedy = new GenerationConfig(8, 0, 1, 1.0, false, false, 1.0, 0, 1.0, null, 0, 0, 1, 0);
            GenerationResult theirs = new Seq2SeqGenerator(model, null).generateIds(sources(c), greedy);
            for (int i = 0; i < mine.size(); i++) {
                long[] row = java.util.Arrays.copyOfRange(golden, i * width + 1, (i + 1) * width);
                long[] gen = mine.get(i);
                assertThat(java.util.Arrays.copyOf(row, gen.length)).as("row %d", i).containsExactly(gen);
                for (int j = gen.length; j < row.length; j++) {
                    assertThat(row[j]).as("pad after eos").isZero();
                }
                assertThat(theirs.generatedIds(i)).as("generate package, adapted").containsExactly(gen);
            }
        }
    }

    @Test
    void freshAdapterStartsAsTheBaseModelWithKaimingUniformA() {
        float[] base = logits("batch3");
        LoraConfig cfg = LoraConfig.of(8, 16, 0.05, List.of("q", "v"), "t5-tiny");
        try (LoraAdapter adapter = LoraAdapter.create(model, cfg, 1)) {
            assertThat(adapter.modules()).hasSize(12).allMatch(n -> n.endsWith(".q") || n.endsWith(".v"));
            assertThat(logits("batch3")).containsExactly(base);
            for (Map.Entry<String, NDArray> p : adapter.parameters().entrySet()) {
                float[] v = p.getValue().toFloatArray();
                if (p.getKey().endsWith("lora_B.weight")) {
                    assertThat(v).containsOnly(0f);
                } else {
                    double bound = 1 / Math.sqrt(64);
                    double mean = 0;
                    double sq = 0;
                    for (float x : v) {
                        assertThat((double) Math.abs(x)).isLessThanOrEqualTo(bound);
                        mean += x / v.length;
                        sq += (double) x * x / v.length;
                    }
                    // U(-b, b): mean 0, variance b^2/3 (512 samples)
                    assertThat(Math.abs(mean)).isLessThan(bound * 0.15);
                    assertThat(sq).isBetween(bound * bound / 3 * 0.8, bound * bound / 3 * 1.2);
                }
            }
        }
    }

    @Test
    void targetModulesFollowPeftNameAndRegexSemantics() {
        assertThat(LoraConfig.of(4, 8, 0, List.of("q"), "").matches("encoder.block.0.layer.0.SelfAttention.q"))
                .isTrue();
        assertThat(LoraConfig.of(4, 8, 0, List.of("q"), "").matches("encoder.block.0.layer.0.SelfAttention.qq"))
                .isFalse();
        assertThat(LoraConfig.of(4, 8, 0, List.of("SelfAttention.q"), "")
                .matches("decoder.block.1.layer.0.SelfAttention.q")).isTrue();
        LoraConfig regex = new LoraConfig(4, 8, 0, null, ".*decoder.*EncDecAttention\\.(q|v)", "");
        assertThat(regex.matches("decoder.block.0.layer.1.EncDecAttention.q")).isTrue();
        assertThat(regex.matches("decoder.block.0.layer.1.EncDecAttention.o")).isFalse();
        assertThat(new LoraConfig(4, 8, 0, null, "EncDecAttention\\.q", "")
                .matches("decoder.block.0.layer.1.EncDecAttention.q")).as("fullmatch, not search").isFalse();
        try (LoraAdapter a = LoraAdapter.create(model, regex, 0)) {
            assertThat(a.modules()).containsExactly("decoder.block.0.layer.1.EncDecAttention.q",
                    "decoder.block.0.layer.1.EncDecAttention.v", "decoder.block.1.layer.1.EncDecAttention.q",
                    "decoder.block.1.layer.1.EncDecAttention.v");
        }
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, 0, List.of("wi_0", "wo"), ""), 0)) {
            assertThat(a.modules()).hasSize(8);
            assertThat(a.trainableParameters()).isEqualTo(4L * (2 * 64 + 128 * 2) + 4L * (2 * 128 + 64 * 2));
        }
    }

    @Test
    void targetMatchingNothingListsTheAvailableNames() {
        assertThatThrownBy(() -> LoraAdapter.create(model, LoraConfig.of(4, 8, 0, List.of("query", "value"), ""), 0))
                .isInstanceOf(AdapterException.class)
                .hasMessageContaining("match no linear layer")
                .hasMessageContaining("[k, o, q, v, wi_0, wi_1, wo]");
        assertThat(model.linears().values()).allMatch(l -> l.adapter() == null);
    }

    @Test
    void savedAdapterUsesPeftSchemaAndReloadsToSameOutputs(@TempDir Path tmp) throws IOException {
        LoraConfig cfg = LoraConfig.of(4, 8, 0.05, List.of("q", "v"), "t5-tiny");
        float[] adapted;
        try (LoraAdapter a = LoraAdapter.load(model, LoraGoldenTest.adapterDir())) {
            adapted = logits("batch2");
            a.save(tmp);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode ours = json.readTree(tmp.resolve("adapter_config.json").toFile());
        JsonNode peft = json.readTree(LoraGoldenTest.adapterDir().resolve("adapter_config.json").toFile());
        for (String key : new String[] {"peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "bias",
                "fan_in_fan_out", "target_modules", "base_model_name_or_path", "use_dora", "use_rslora"}) {
            assertThat(ours.get(key)).as(key).isEqualTo(peft.get(key));
        }
        assertThat(SafetensorsReader.open(tmp.resolve("adapter_model.safetensors")).tensors().keySet())
                .isEqualTo(SafetensorsReader.open(LoraGoldenTest.adapterDir().resolve("adapter_model.safetensors"))
                        .tensors().keySet());
        assertThat(SafetensorsReader.open(tmp.resolve("adapter_model.safetensors")).metadata())
                .containsEntry("format", "pt");
        try (LoraAdapter b = LoraAdapter.load(model, tmp)) {
            assertThat(b.config()).isEqualTo(cfg);
            assertThat(logits("batch2")).containsExactly(adapted);
        }
    }

    /** Copies the golden adapter with {@code edit} applied to its tensors. */
    private static Path brokenCopy(Path tmp, java.util.function.BiConsumer<NDManager, Map<String, NDArray>> edit)
            throws IOException {
        Path dir = tmp.resolve("broken");
        Files.createDirectories(dir);
        Files.copy(LoraGoldenTest.adapterDir().resolve("adapter_config.json"), dir.resolve("adapter_config.json"));
        SafetensorsReader r = SafetensorsReader.open(LoraGoldenTest.adapterDir().resolve("adapter_model.safetensors"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            for (String k : new TreeSet<>(r.tensors().keySet())) {
                t.put(k, r.load(m, k));
            }
            edit.accept(m, t);
            SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), t);
        }
        return dir;
    }

    @Test
    void adapterWithOtherShapesIsRejectedNamingTensorAndShapes(@TempDir Path tmp) throws IOException {
        Path dir = brokenCopy(tmp, (m, t) -> t.put("base_model.model.encoder.block.0.layer.0.SelfAttention.q"
                + ".lora_A.weight", m.zeros(new ai.djl.ndarray.types.Shape(4, 512))));
        assertThatThrownBy(() -> LoraAdapter.load(model, dir)).isInstanceOf(AdapterException.class)
                .hasMessageContaining("encoder.block.0.layer.0.SelfAttention.q.lora_A.weight")
                .hasMessageContaining("[4, 512]").hasMessageContaining("[4, 64]")
                .hasMessageContaining("different base model");
        assertThat(model.linears().values()).as("nothing attached").allMatch(l -> l.adapter() == null);
    }

    @Test
    void adapterForModulesThisModelLacksIsRejected(@TempDir Path tmp) throws IOException {
        Path dir = brokenCopy(tmp, (m, t) -> {
            t.put("base_model.model.encoder.block.5.layer.0.SelfAttention.q.lora_A.weight",
                    m.zeros(new ai.djl.ndarray.types.Shape(4, 64)));
        });
        assertThatThrownBy(() -> LoraAdapter.load(model, dir)).isInstanceOf(AdapterException.class)
                .hasMessageContaining("encoder.block.5.layer.0.SelfAttention.q.lora_A.weight");
        Path missing = brokenCopy(tmp.resolve("m"), (m, t) -> {
            Iterator<String> it = t.keySet().iterator();
            it.next();
            it.remove();
        });
        assertThatThrownBy(() -> LoraAdapter.load(model, missing)).isInstanceOf(AdapterException.class)
                .hasMessageContaining("lacks tensor");
        assertThat(model.linears().values()).allMatch(l -> l.adapter() == null);
    }

    @Test
    void mergeRefusesNonEmptyOutputAndMismatchedAdapterWritingNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> LoraMerge.merge(Golden.tinyModel(), LoraGoldenTest.adapterDir(), out))
                .isInstanceOf(AdapterException.class).hasMessageContaining("not empty");
        Path bad = brokenCopy(tmp, (m, t) -> t.put("base_model.model.encoder.block.0.layer.0.SelfAttention.v"
                + ".lora_B.weight", m.zeros(new ai.djl.ndarray.types.Shape(32, 4))));
        Path out2 = tmp.resolve("out2");
        assertThatThrownBy(() -> LoraMerge.merge(Golden.tinyModel(), bad, out2)).isInstanceOf(AdapterException.class);
        assertThat(out2).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("merging"));
        }
    }
}
