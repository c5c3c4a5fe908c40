package dev.ragtune.model.lora;

import dev.ragtune.model.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LoRA hyper-parameters with PEFT semantics.
 *
 * <p>Target modules are either a list of names — a name matches a module whose full HF name equals it or ends with
 * {@code "." + name} (so {@code q} matches {@code encoder.block.0.layer.0.SelfAttention.q}) — or, when
 * {@code targetRegex} is non-null, one regex that must match the WHOLE module name ({@code re.fullmatch}), exactly as
 * PEFT treats a string {@code target_modules}. The scale applied to {@code B(A x)} is {@code loraAlpha / r}, or
 * {@code loraAlpha / √r} with rsLoRA. {@link ModuleFilter} narrows the matched modules as PEFT's
 * {@code exclude_modules}, {@code layers_to_transform} and {@code layers_pattern} do.
 *
 * @param baseModelNameOrPath written to {@code adapter_config.json}; PEFT's {@code AutoPeftModel} loads the base from it
 */
public record LoraConfig(int r, int loraAlpha, double loraDropout, List<String> targetModules, String targetRegex,
                         String baseModelNameOrPath, boolean useRslora, ModuleFilter filter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LoraConfig {
        if (r <= 0) {
            throw new AdapterException("LoRA rank r must be positive, got " + r);
        }
        if (loraAlpha <= 0) {
            throw new AdapterException("lora_alpha must be positive, got " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new AdapterException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        if (targetModules.isEmpty() == (targetRegex == null)) {
            throw new AdapterException("Give either a list of target module names or one target regex");
        }
        if (targetRegex != null) {
            Pattern.compile(targetRegex);
        }
        baseModelNameOrPath = baseModelNameOrPath == null ? "" : baseModelNameOrPath;
        filter = filter == null ? ModuleFilter.NONE : filter;
    }

    /** Plain LoRA (no rsLoRA, no module filter). */
    public LoraConfig(int r, int loraAlpha, double loraDropout, List<String> targetModules, String targetRegex,
                      String baseModelNameOrPath) {
        this(r, loraAlpha, loraDropout, targetModules, targetRegex, baseModelNameOrPath, false, ModuleFilter.NONE);
    }

    /** Config with a list of module names (e.g. {@code q, v}). */
    public static LoraConfig of(int r, int loraAlpha, double loraDropout, List<String> targetModules,
                                String baseModelNameOrPath) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, null, baseModelNameOrPath);
    }

    /** The same config recording another base model. */
    public LoraConfig withBaseModel(String nameOrPath) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, targetRegex, nameOrPath, useRslora, filter);
    }

    /** The same config with another dropout (dropout only acts in training). */
    public LoraConfig withDropout(double dropout) {
        return new LoraConfig(r, loraAlpha, dropout, targetModules, targetRegex, baseModelNameOrPath, useRslora, filter);
    }

    /** PEFT scaling: {@code lora_alpha / r}, or {@code lora_alpha / sqrt(r)} with {@code use_rslora}. */
    public double scaling() {
        return useRslora ? loraAlpha / Math.sqrt(r) : (double) loraAlpha / r;
    }

    /** Whether the module with this full HF name is wrapped (PEFT's {@code check_target_module_exists}). */
    public boolean matches(String moduleName) {
        if (filter.excludes(moduleName)) {
            return false;
        }
        if (targetRegex != null) {
            return Pattern.compile(targetRegex).matcher(moduleName).matches();
        }
        if (targetModules.contains(moduleName)) {
            return true;
        }
        for (String t : targetModules) {
            if (moduleName.endsWith("." + t)) {
                return filter.layerSelected(moduleName);
            }
        }
        return false;
    }

    /** Human-readable target description for messages. */
    public String targetDescription() {
        return (targetRegex != null ? "regex '" + targetRegex + "'" : "names " + targetModules) + filter.describe();
    }

    /** The {@code adapter_config.json} document in PEFT's schema (same keys PEFT 0.20 writes). */
    public ObjectNode toPeftJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putNull("alora_invocation_tokens");
        o.putObject("alpha_pattern");
        o.putNull("auto_mapping");
        o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("bias", "none");
        o.putNull("corda_config");
        o.putNull("eva_config");
        filter.writeExclude(o);
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layer_replication");
        filter.writeLayers(o);
        o.putObject("loftq_config");
        o.put("lora_alpha", loraAlpha);
        o.put("lora_bias", false);
        o.put("lora_dropout", loraDropout);
        o.putNull("megatron_config");
        o.put("megatron_core", "megatron.core");
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("peft_version", "ragtune-0.1.0");
        o.put("r", r);
        o.putObject("rank_pattern");
        o.putNull("revision");
        if (targetRegex != null) {
            o.put("target_modules", targetRegex);
        } else {
            ArrayNode t = o.putArray("target_modules");
            targetModules.forEach(t::add);
        }
        o.putNull("target_parameters");
        o.put("task_type", "SEQ_2_SEQ_LM");
        o.putNull("trainable_token_indices");
        o.put("use_dora", false);
        o.put("use_qalora", false);
        o.put("use_rslora", useRslora);
        return o;
    }

    /**
     * Reads a PEFT {@code adapter_config.json}. Every option that changes the computation and is not implemented is
     * refused by its PEFT name ({@link PeftOptions}); {@code use_rslora}, {@code exclude_modules},
     * {@code layers_to_transform} / {@code layers_pattern} are implemented and {@code bias: lora_only} is accepted
     * (T5's linear layers have no bias, so it equals {@code none}).
     */
    public static LoraConfig readPeft(Path adapterConfigJson) {
        if (!Files.isRegularFile(adapterConfigJson)) {
            throw new AdapterException("Adapter config not found: " + adapterConfigJson
                    + " (expected a PEFT adapter folder with adapter_config.json and adapter_model.safetensors)");
        }
        JsonNode c;
        try {
            c = JSON.readTree(adapterConfigJson.toFile());
        } catch (IOException e) {
            throw new AdapterException("Cannot parse " + adapterConfigJson + ": " + JsonFiles.reason(e), e);
        }
        if (c == null || !c.isObject()) {
            throw new AdapterException(adapterConfigJson + " is not a JSON object; expected PEFT's adapter_config.json");
        }
        String where = " in " + adapterConfigJson;
        PeftOptions.check(c, where);
        JsonNode tm = c.path("target_modules");
        List<String> names = new ArrayList<>();
        String regex = null;
        if (tm.isTextual()) {
            regex = tm.asText();
        } else if (tm.isArray()) {
            tm.forEach(n -> names.add(n.asText()));
        } else {
            throw new AdapterException("target_modules missing or not a list/string" + where);
        }
        JsonNode r = c.path("r");
        require(r.isMissingNode() || r.isInt(), "r must be an integer, got " + r + where);
        JsonNode alphaNode = c.path("lora_alpha");
        require(alphaNode.isMissingNode() || alphaNode.isNumber(), "lora_alpha must be a number, got " + alphaNode
                + where);
        double alpha = alphaNode.asDouble(8);
        require(alpha == Math.rint(alpha), "non-integer lora_alpha " + alpha + " is not supported" + where);
        try {
            return new LoraConfig(c.path("r").asInt(8), (int) alpha, c.path("lora_dropout").asDouble(0),
                    names, regex, c.path("base_model_name_or_path").asText(""), c.path("use_rslora").asBoolean(false),
                    ModuleFilter.read(c));
        } catch (AdapterException e) {
            throw new AdapterException(e.getMessage() + where, e);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new AdapterException("invalid regex in target_modules or exclude_modules" + where + ": "
                    + e.getDescription(), e);
        }
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new AdapterException(message);
        }
    }

    /**
     * PEFT's module filters: {@code exclude_modules} (names, matched like target names, or one full-match regex) and
     * {@code layers_to_transform} (layer indexes, found in a module name by {@code layers_pattern}, or when it is
     * empty by PEFT's default {@code .*\.[^.]*\.(\d+)\.}). As in PEFT, the layer filter applies only to list targets
     * matched by suffix.
     */
    public record ModuleFilter(List<String> excludeModules, String excludeRegex, List<Integer> layersToTransform,
                               List<String> layersPattern) {
        public static final ModuleFilter NONE = new ModuleFilter(List.of(), null, List.of(), List.of());

        public ModuleFilter {
            excludeModules = excludeModules == null ? List.of() : List.copyOf(excludeModules);
            layersToTransform = layersToTransform == null ? List.of() : List.copyOf(layersToTransform);
            layersPattern = layersPattern == null ? List.of() : List.copyOf(layersPattern);
            if (excludeRegex != null) {
                Pattern.compile(excludeRegex);
            }
        }

        boolean excludes(String module) {
            if (excludeRegex != null) {
                return Pattern.compile(excludeRegex).matcher(module).matches();
            }
            for (String e : excludeModules) {
                if (module.equals(e) || module.endsWith("." + e)) {
                    return true;
                }
            }
            return false;
        }

        boolean layerSelected(String module) {
            if (layersToTransform.isEmpty()) {
                return true;
            }
            Integer index = null;
            if (layersPattern.isEmpty()) {
                index = layerIndex("[^.]*", module);
            } else {
                for (String p : layersPattern) {
                    index = layerIndex(p, module);
                    if (index != null) {
                        break;
                    }
                }
            }
            return index != null && layersToTransform.contains(index);
        }

        /** PEFT: {@code re.match(rf".*\.{pattern}\.(\d+)\.", key)} (anchored at the start, greedy). */
        private static Integer layerIndex(String pattern, String module) {
            Matcher m = Pattern.compile(".*\\." + pattern + "\\.(\\d+)\\.").matcher(module);
            return m.lookingAt() ? Integer.valueOf(m.group(1)) : null;
        }

        String describe() {
            String s = "";
            if (excludeRegex != null || !excludeModules.isEmpty()) {
                s += ", excluding " + (excludeRegex != null ? "regex '" + excludeRegex + "'" : excludeModules);
            }
            if (!layersToTransform.isEmpty()) {
                s += ", layers " + layersToTransform + (layersPattern.isEmpty() ? "" : " of " + layersPattern);
            }
            return s;
        }

        void writeExclude(ObjectNode o) {
            if (excludeRegex != null) {
                o.put("exclude_modules", excludeRegex);
            } else if (!excludeModules.isEmpty()) {
                ArrayNode a = o.putArray("exclude_modules");
                excludeModules.forEach(a::add);
            } else {
                o.putNull("exclude_modules");
            }
        }

        void writeLayers(ObjectNode o) {
            if (layersPattern.isEmpty()) {
                o.putNull("layers_pattern");
            } else {
                ArrayNode a = o.putArray("layers_pattern");
                layersPattern.forEach(a::add);
            }
            if (layersToTransform.isEmpty()) {
                o.putNull("layers_to_transform");
            } else {
                ArrayNode a = o.putArray("layers_to_transform");
                layersToTransform.forEach(a::add);
            }
        }

        static ModuleFilter read(JsonNode c) {
            JsonNode ex = c.path("exclude_modules");
            List<String> exclude = new ArrayList<>();
            String excludeRegex = null;
            if (ex.isTextual()) {
                excludeRegex = ex.asText();
            } else if (ex.isArray()) {
                ex.forEach(n -> exclude.add(n.asText()));
            } else {
                require(ex.isMissingNode() || ex.isNull(), "exclude_modules must be a list or a string");
            }
            JsonNode lt = c.path("layers_to_transform");
            List<Integer> layers = new ArrayList<>();
            if (lt.isInt()) {
                layers.add(lt.asInt());
            } else if (lt.isArray()) {
                lt.forEach(n -> {
                    require(n.isInt(), "layers_to_transform must hold integers, got " + n);
                    layers.add(n.asInt());
                });
            } else {
                require(lt.isMissingNode() || lt.isNull(), "layers_to_transform must be an integer or a list");
            }
            JsonNode lp = c.path("layers_pattern");
            List<String> pattern = new ArrayList<>();
            if (lp.isTextual()) {
                if (!lp.asText().isEmpty()) {
                    pattern.add(lp.asText());
                }
            } else if (lp.isArray()) {
                lp.forEach(n -> pattern.add(n.asText()));
            } else {
                require(lp.isMissingNode() || lp.isNull(), "layers_pattern must be a string or a list");
            }
            return new ModuleFilter(exclude, excludeRegex, layers, pattern);
        }
    }
}
