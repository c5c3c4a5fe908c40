package dev.ragtune.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PEFT adapter matrix of docs/MODELS.md: every supported option gives what PEFT computes (checked against the
 * golden PEFT logits or against an equivalent plain adapter), every unsupported option is refused by its name.
 */
class PeftAdapterMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static T5Model model;
    private static SafetensorsReader cases;
    private static SafetensorsReader expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = T5Model.load(Golden.tinyModel(), Device.cpu());
        cases = Golden.cases();
        expected = SafetensorsReader.open(LoraGoldenTest.adapterDir().resolve("expected.safetensors"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] logits() {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.forward(cases.load(scope, "batch3.input_ids"), cases.load(scope, "batch3.attention_mask"),
                    model.shiftRight(cases.load(scope, "batch3.labels"))).logits().toFloatArray();
        }
    }

    private static float[] adaptedLogits(Path dir) {
        try (LoraAdapter a = LoraAdapter.load(model, dir)) {
            return logits();
        }
    }

    /** The golden PEFT adapter with its config edited and only the tensors of modules {@code keep} accepts. */
    private Path variant(String name, Consumer<ObjectNode> edit, Predicate<String> keep) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        ObjectNode config = (ObjectNode) JSON.readTree(LoraGoldenTest.adapterDir().resolve("adapter_config.json")
                .toFile());
        edit.accept(config);
        JSON.writeValue(dir.resolve("adapter_config.json").toFile(), config);
        SafetensorsReader r = SafetensorsReader.open(LoraGoldenTest.adapterDir().resolve("adapter_model.safetensors"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            for (String k : new TreeSet<>(r.tensors().keySet())) {
                String module = k.substring(LoraAdapter.PEFT_PREFIX.length(), k.indexOf(".lora_"));
                if (keep.test(module)) {
                    t.put(k, r.load(m, k));
                }
            }
            SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), t);
        }
        return dir;
    }

    private static void refusedNaming(Path dir, String option) {
        assertThatThrownBy(() -> LoraAdapter.load(model, dir)).isInstanceOf(AdapterException.class)
                .hasMessageContaining(option).hasMessageContaining(dir.resolve("adapter_config.json").toString())
                .hasMessageNotContaining("different base model");
        assertThat(model.linears().values()).as("nothing attached").allMatch(l -> l.adapter() == null);
    }

    @ParameterizedTest(name = "{0}={1} is refused by name")
    @CsvSource(delimiter = '|', value = {
            "alora_invocation_tokens|[32, 33]",
            "use_dora|true",
            "lora_bias|true",
            "trainable_token_indices|[5, 6]",
            "modules_to_save|[\"lm_head\"]",
            "rank_pattern|{\"q\": 8}",
            "alpha_pattern|{\"v\": 32}",
            "fan_in_fan_out|true",
            "layer_replication|[[0, 2]]",
            "target_parameters|[\"wo.weight\"]",
            "use_qalora|true",
            "megatron_config|{\"tp\": 2}",
            "init_lora_weights|\"pissa\"",
            "init_lora_weights|\"olora\"",
            "bias|\"all\"",
            "some_future_option|0.5"})
    void unsupportedPeftOptionIsRefusedNamingIt(String option, String value) throws IOException {
        Path dir = variant("refused", c -> c.set(option, readJson(value)), m -> true);
        refusedNaming(dir, option);
    }

    @ParameterizedTest(name = "{0}={1} is refused naming the field, once")
    @CsvSource(delimiter = '|', value = {
            "r|\"abc\"",
            "r|4.5",
            "lora_alpha|\"sixteen\"",
            "layers_to_transform|\"zero\"",
            "exclude_modules|3"})
    void aFieldOfTheWrongTypeIsRefusedNamingItAndTheFileOnce(String field, String value) throws IOException {
        Path dir = variant("wrong-type", c -> c.set(field, readJson(value)), m -> true);
        refusedNaming(dir, field);
        String config = dir.resolve("adapter_config.json").toString();
        assertThatThrownBy(() -> LoraAdapter.load(model, dir)).satisfies(e ->
                assertThat(e.getMessage().split(java.util.regex.Pattern.quote(config), -1)).as(e.getMessage()).hasSize(2));
    }

    @Test
    void anUnparsableConfigIsOneLineNamingTheFile() throws IOException {
        Path dir = variant("truncated", c -> { }, m -> true);
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": ");
        assertThatThrownBy(() -> LoraAdapter.load(model, dir)).isInstanceOf(AdapterException.class)
                .hasMessageStartingWith("Cannot parse " + dir.resolve("adapter_config.json"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("[Source:"));
    }

    @Test
    void layersToTransformWithARegexTargetIsRefusedAsPeftRefusesIt() throws IOException {
        Path dir = variant("regex-layers", c -> {
            c.put("target_modules", ".*\\.(q|v)");
            c.putArray("layers_to_transform").add(0);
        }, m -> true);
        refusedNaming(dir, "layers_to_transform");
    }

    @Test
    void biasLoraOnlyOnT5GivesPeftLogitsAsBiasNone() throws IOException {
        Path dir = variant("lora-only", c -> c.put("bias", "lora_only"), m -> true);
        assertThat(Golden.maxAbsDiff(adaptedLogits(dir), expected.readFloats("batch3.logits"))).isLessThan(1e-4);
    }

    @Test
    void rsLoraScalesByAlphaOverSqrtRank() throws IOException {
        // r = 4: alpha 4 / sqrt(4) = 2 = the golden adapter's 8 / 4, so PEFT's logits must come out
        Path dir = variant("rslora", c -> {
            c.put("use_rslora", true);
            c.put("lora_alpha", 4);
        }, m -> true);
        try (LoraAdapter a = LoraAdapter.load(model, dir)) {
            assertThat(a.config().scaling()).isEqualTo(2.0);
        }
        assertThat(Golden.maxAbsDiff(adaptedLogits(dir), expected.readFloats("batch3.logits"))).isLessThan(1e-4);
        Path plain = variant("rslora-alpha16", c -> {
            c.put("use_rslora", true);
            c.put("lora_alpha", 16);
        }, m -> true);
        try (LoraAdapter a = LoraAdapter.load(model, plain)) {
            assertThat(a.config().scaling()).isEqualTo(8.0);
        }
    }

    @Test
    void layersToTransformWithBlockPatternAdaptsOnlyThoseBlocks() throws IOException {
        Predicate<String> block1 = m -> m.contains(".block.1.");
        Path filtered = variant("layers", c -> {
            c.putArray("layers_to_transform").add(1);
            c.put("layers_pattern", "block");
        }, block1);
        List<String> names = model.linears().keySet().stream()
                .filter(n -> block1.test(n) && (n.endsWith(".q") || n.endsWith(".v"))).toList();
        Path explicit = variant("explicit", c -> {
            var a = c.putArray("target_modules");
            names.forEach(a::add);
        }, block1);
        try (LoraAdapter a = LoraAdapter.load(model, filtered)) {
            assertThat(a.modules()).containsExactlyElementsOf(names).hasSize(6);
        }
        float[] got = adaptedLogits(filtered);
        assertThat(got).containsExactly(adaptedLogits(explicit));
        assertThat(got).isNotEqualTo(logits());
    }

    @Test
    void layersToTransformWithoutPatternUsesPeftsDefaultRegexWhichOnT5PicksTheSublayerIndex() {
        // PEFT: re.match(r".*\.[^.]*\.(\d+)\.", key) is greedy, so on T5 it reads layer.N (0 = self-attention)
        LoraConfig c = new LoraConfig(4, 8, 0, List.of("q", "v"), null, "", false,
                new LoraConfig.ModuleFilter(List.of(), null, List.of(0), List.of()));
        assertThat(c.matches("encoder.block.1.layer.0.SelfAttention.q")).isTrue();
        assertThat(c.matches("decoder.block.0.layer.1.EncDecAttention.q")).isFalse();
        assertThat(c.matches("decoder.block.1.layer.0.SelfAttention.v")).isTrue();
    }

    @Test
    void excludeModulesDropsThoseModulesLikeAnEquivalentRegexTarget() throws IOException {
        Predicate<String> selfAttention = m -> m.contains("SelfAttention");
        Path excluded = variant("exclude", c -> {
            var a = c.putArray("exclude_modules");
            a.add("EncDecAttention.q");
            a.add("EncDecAttention.v");
        }, selfAttention);
        Path regex = variant("regex", c -> c.put("target_modules", ".*SelfAttention\\.(q|v)"), selfAttention);
        Path excludedRegex = variant("exclude-regex", c -> c.put("exclude_modules", ".*EncDecAttention\\..*"),
                selfAttention);
        float[] expectedLogits = adaptedLogits(regex);
        assertThat(adaptedLogits(excluded)).containsExactly(expectedLogits);
        assertThat(adaptedLogits(excludedRegex)).containsExactly(expectedLogits);
    }

    @Test
    void savedConfigKeepsTheImplementedOptions() throws IOException {
        Path dir = variant("keep", c -> {
            c.put("use_rslora", true);
            c.putArray("exclude_modules").add("EncDecAttention.q");
            c.putArray("layers_to_transform").add(0).add(1);
            c.put("layers_pattern", "block");
        }, m -> !m.contains("EncDecAttention.q"));
        try (LoraAdapter a = LoraAdapter.load(model, dir)) {
            a.save(tmp.resolve("saved"));
            assertThat(LoraConfig.readPeft(tmp.resolve("saved/adapter_config.json")))
                    .isEqualTo(a.config());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
