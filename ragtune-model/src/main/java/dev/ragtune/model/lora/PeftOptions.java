package dev.ragtune.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Which PEFT {@code adapter_config.json} options ragtune reproduces exactly, and a named refusal for every other one
 * that changes the computation. Options that are informative or act only while initialising A/B (init schemes that
 * leave the base weights alone, dropout, EVA statistics) are accepted; an option this class does not know is refused
 * unless it holds its "off" value (null, false, empty), because ragtune cannot tell whether it changes the output.
 */
final class PeftOptions {
    /** Read by {@link LoraConfig} or informative only. */
    private static final Set<String> UNDERSTOOD = Set.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout",
            "target_modules", "base_model_name_or_path", "revision", "inference_mode", "peft_version", "auto_mapping",
            "megatron_core", "use_rslora", "exclude_modules", "layers_to_transform", "layers_pattern", "bias",
            "init_lora_weights", "loftq_config", "eva_config", "corda_config", "qalora_group_size",
            "ensure_weight_tying", "lora_ga_config");

    /** Options that change the computation, each with what it does, refused when set. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("alora_invocation_tokens", "aLoRA (the adapter acts only after its invocation tokens)"),
            Map.entry("use_dora", "DoRA (weight-decomposed LoRA)"),
            Map.entry("lora_bias", "a trained bias on lora_B"),
            Map.entry("trainable_token_indices", "trainable token embeddings"),
            Map.entry("modules_to_save", "fully trained extra modules"),
            Map.entry("rank_pattern", "per-module ranks"),
            Map.entry("alpha_pattern", "per-module alphas"),
            Map.entry("fan_in_fan_out", "transposed (Conv1D) weights"),
            Map.entry("layer_replication", "replicated layers"),
            Map.entry("target_parameters", "LoRA on parameters instead of modules"),
            Map.entry("use_qalora", "QA-LoRA pooled inputs"),
            Map.entry("megatron_config", "Megatron parallel layers"),
            Map.entry("arrow_config", "Arrow adapter routing"));

    private PeftOptions() {
    }

    /** Throws an {@link AdapterException} naming the first option that ragtune cannot reproduce. */
    static void check(JsonNode c, String where) {
        String type = c.path("peft_type").asText("");
        LoraConfig.require(type.equals("LORA"), "peft_type must be LORA, got '" + type + "'" + where
                + " (ragtune implements LoRA only)");
        String task = c.path("task_type").asText("SEQ_2_SEQ_LM");
        LoraConfig.require(task.equals("SEQ_2_SEQ_LM"), "task_type must be SEQ_2_SEQ_LM, got '" + task + "'" + where);
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            String what = REFUSED.get(key);
            if (what != null && !isOff(v)) {
                throw new AdapterException("unsupported PEFT option " + key + "=" + v + where + ": " + what
                        + " is not implemented in ragtune; the adapter would give different outputs than in PEFT");
            }
            if (what == null && !UNDERSTOOD.contains(key) && !isOff(v)) {
                throw new AdapterException("unknown PEFT option " + key + "=" + v + where + ": ragtune does not know"
                        + " whether it changes the computation; it supports plain LoRA, rsLoRA, exclude_modules and"
                        + " layers_to_transform");
            }
        }
        String bias = c.path("bias").asText("none");
        LoraConfig.require(bias.equals("none") || bias.equals("lora_only"), "unsupported PEFT option bias=\"" + bias
                + "\"" + where + ": only \"none\" and \"lora_only\" (T5's linear layers have no bias) are supported;"
                + " \"all\" also trains T5's relative_attention_bias");
        JsonNode init = c.path("init_lora_weights");
        if (init.isTextual()) {
            String scheme = init.asText().toLowerCase(java.util.Locale.ROOT);
            LoraConfig.require(!(scheme.startsWith("pissa") || scheme.equals("olora") || scheme.equals("corda")
                            || scheme.equals("loftq") || scheme.startsWith("lora-ga")),
                    "unsupported PEFT option init_lora_weights=\"" + init.asText() + "\"" + where + ": this"
                            + " initialisation changes the base weights; convert the adapter in PEFT"
                            + " (save_pretrained with path_initial_model_for_weight_conversion) and load that");
        }
        if (c.path("target_modules").isTextual()) {
            LoraConfig.require(isOff(c.path("layers_to_transform")), "layers_to_transform cannot be used when"
                    + " target_modules is a regex string (PEFT refuses it too)" + where);
        }
    }

    private static boolean isOff(JsonNode v) {
        return v == null || v.isMissingNode() || v.isNull() || (v.isBoolean() && !v.asBoolean())
                || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty());
    }
}
