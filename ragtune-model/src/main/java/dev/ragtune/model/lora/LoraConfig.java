package dev.ragtune.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * LoRA hyper-parameters with PEFT semantics.
 *
 * <p>Target modules are either a list of names — a name matches a module whose full HF name equals it or ends with
 * {@code "." + name} (so {@code q} matches {@code encoder.block.0.layer.0.SelfAttention.q}) — or, when
 * {@code targetRegex} is non-null, one regex that must match the WHOLE module name ({@code re.fullmatch}), exactly as
 * PEFT treats a string {@code target_modules}. The scale applied to {@code B(A x)} is {@code loraAlpha / r}.
 *
 * @param baseModelNameOrPath written to {@code adapter_config.json}; informative (PEFT uses it to fetch the base)
 */
public record LoraConfig(int r, int loraAlpha, double loraDropout, List<String> targetModules, String targetRegex,
                         String baseModelNameOrPath) {
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
    }

    /** Config with a list of module names (e.g. {@code q, v}). */
    public static LoraConfig of(int r, int loraAlpha, double loraDropout, List<String> targetModules,
                                String baseModelNameOrPath) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, null, baseModelNameOrPath);
    }

    /** PEFT scaling {@code lora_alpha / r}. */
    public double scaling() {
        return (double) loraAlpha / r;
    }

    /** Whether the module with this full HF name is wrapped (PEFT's {@code check_target_module_exists}). */
    public boolean matches(String moduleName) {
        if (targetRegex != null) {
            return Pattern.compile(targetRegex).matcher(moduleName).matches();
        }
        for (String t : targetModules) {
            if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** Human-readable target description for messages. */
    public String targetDescription() {
        return targetRegex != null ? "regex '" + targetRegex + "'" : "names " + targetModules;
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
        o.putNull("exclude_modules");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layer_replication");
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
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
        o.put("use_rslora", false);
        return o;
    }

    /**
     * Reads a PEFT {@code adapter_config.json}. Rejects what this implementation cannot reproduce faithfully
     * (non-LoRA types, DoRA, rsLoRA, per-module rank/alpha patterns, bias training, fan_in_fan_out, modules_to_save).
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
            throw new AdapterException("Cannot parse " + adapterConfigJson + ": " + e.getMessage(), e);
        }
        String where = " in " + adapterConfigJson;
        require(c.path("peft_type").asText("").equals("LORA"), "peft_type must be LORA, got '"
                + c.path("peft_type").asText() + "'" + where);
        String task = c.path("task_type").asText("SEQ_2_SEQ_LM");
        require(task.equals("SEQ_2_SEQ_LM"), "task_type must be SEQ_2_SEQ_LM, got '" + task + "'" + where);
        require(!c.path("use_dora").asBoolean(false), "DoRA adapters (use_dora) are not supported" + where);
        require(!c.path("use_rslora").asBoolean(false), "rsLoRA (use_rslora) is not supported" + where);
        require(c.path("bias").asText("none").equals("none"), "only bias \"none\" is supported" + where);
        require(!c.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out=true is not supported" + where);
        require(c.path("rank_pattern").isMissingNode() || c.path("rank_pattern").isNull()
                || c.path("rank_pattern").isEmpty(), "per-module rank_pattern is not supported" + where);
        require(c.path("alpha_pattern").isMissingNode() || c.path("alpha_pattern").isNull()
                || c.path("alpha_pattern").isEmpty(), "per-module alpha_pattern is not supported" + where);
        require(c.path("modules_to_save").isMissingNode() || c.path("modules_to_save").isNull(),
                "modules_to_save is not supported" + where);
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
        double alpha = c.path("lora_alpha").asDouble(8);
        require(alpha == Math.rint(alpha), "non-integer lora_alpha " + alpha + " is not supported" + where);
        try {
            return new LoraConfig(c.path("r").asInt(8), (int) alpha, c.path("lora_dropout").asDouble(0),
                    names, regex, c.path("base_model_name_or_path").asText(""));
        } catch (AdapterException e) {
            throw new AdapterException(e.getMessage() + where, e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new AdapterException(message);
        }
    }
}
