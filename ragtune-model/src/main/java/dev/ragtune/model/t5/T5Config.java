package dev.ragtune.model.t5;

import dev.ragtune.model.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The architecture fields of a Hugging Face {@code T5Config} ({@code config.json}), with HF defaults.
 *
 * @param activation        feed-forward activation: {@code relu}, {@code gelu_new} (tanh approximation, FLAN-T5) or
 *                          {@code gelu} (exact erf)
 * @param gatedActivation   true for T5 v1.1 / FLAN-T5 ({@code wi_0}, {@code wi_1}), false for original T5 ({@code wi})
 * @param tieWordEmbeddings original T5: lm_head = shared embedding and decoder output scaled by d_model^-0.5
 */
public record T5Config(int vocabSize, int dModel, int dKv, int numHeads, int dFf, int numLayers,
                       int numDecoderLayers, int relativeAttentionNumBuckets, int relativeAttentionMaxDistance,
                       double layerNormEpsilon, String activation, boolean gatedActivation,
                       boolean tieWordEmbeddings, int padTokenId, int eosTokenId, int decoderStartTokenId) {

    public T5Config {
        if (vocabSize <= 0 || dModel <= 0 || dKv <= 0 || numHeads <= 0 || dFf <= 0 || numLayers <= 0
                || numDecoderLayers <= 0 || relativeAttentionNumBuckets <= 1 || relativeAttentionMaxDistance <= 1) {
            throw new UnsupportedModelException("T5 config has a non-positive size: " + sizes(vocabSize, dModel,
                    dKv, numHeads, dFf, numLayers, numDecoderLayers));
        }
        if (!activation.equals("relu") && !activation.equals("gelu_new") && !activation.equals("gelu")) {
            throw new UnsupportedModelException("Unsupported T5 feed-forward activation '" + activation
                    + "'; supported: relu (original T5), gelu_new (T5 v1.1 / FLAN-T5 gated-gelu), gelu");
        }
    }

    private static String sizes(int v, int d, int kv, int h, int ff, int l, int dl) {
        return "vocab_size=" + v + " d_model=" + d + " d_kv=" + kv + " num_heads=" + h + " d_ff=" + ff
                + " num_layers=" + l + " num_decoder_layers=" + dl;
    }

    /** Inner attention width {@code num_heads * d_kv}. */
    public int innerDim() {
        return numHeads * dKv;
    }

    /** google/flan-t5-small shapes (random-weight benchmarks). */
    public static T5Config flanT5Small() {
        return new T5Config(32128, 512, 64, 6, 1024, 8, 8, 32, 128, 1e-6, "gelu_new", true, false, 0, 1, 0);
    }

    /** google/flan-t5-base shapes (random-weight benchmarks). */
    public static T5Config flanT5Base() {
        return new T5Config(32128, 768, 64, 12, 2048, 12, 12, 32, 128, 1e-6, "gelu_new", true, false, 0, 1, 0);
    }

    /** The benchmark shape called {@code flan-t5-small} or {@code flan-t5-base}; anything else is an error naming both. */
    public static T5Config forShape(String name) {
        switch (name) {
            case "flan-t5-small": return flanT5Small();
            case "flan-t5-base": return flanT5Base();
            default: throw new IllegalArgumentException("unknown shape '" + name + "': use flan-t5-small or flan-t5-base");
        }
    }

    /**
     * Reads {@code config.json}. Accepts {@code model_type} t5 / mt5 (mT5, mT0: {@code MT5ForConditionalGeneration}
     * is T5 v1.1 with {@code MT5Config}'s defaults — gated-gelu, untied lm_head, vocabulary 250112) and
     * {@code feed_forward_proj} relu, gelu, gated-gelu (→ gelu_new, as HF does) and gated-relu; anything else is an
     * {@link UnsupportedModelException}.
     */
    public static T5Config read(Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            throw new UnsupportedModelException("Model config not found: " + configJson
                    + " (expected a Hugging Face model folder with config.json)");
        }
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new UnsupportedModelException("Cannot parse " + configJson + ": " + JsonFiles.reason(e), e);
        }
        String modelType = c.path("model_type").asText("");
        if (!modelType.equals("t5") && !modelType.equals("mt5")) {
            throw new UnsupportedModelException("Unsupported model_type '" + modelType + "' in " + configJson
                    + "; only T5-family checkpoints (t5, mt5: T5/FLAN-T5/mT5) are supported");
        }
        boolean mt5 = modelType.equals("mt5");
        // HF MT5Config differs from T5Config only in its defaults: gated-gelu, untied lm_head, 250112 pieces,
        // d_ff 1024, 8 layers, 6 heads (mt5-small's shape)
        String ffProj = c.path("feed_forward_proj").asText(mt5 ? "gated-gelu" : "relu");
        String[] parts = ffProj.split("-");
        boolean gated = parts.length == 2 && parts[0].equals("gated");
        if (parts.length > 2 || (parts.length == 2 && !gated)) {
            throw new UnsupportedModelException("Unsupported feed_forward_proj '" + ffProj + "' in " + configJson
                    + "; expected 'relu', 'gated-gelu' or '{gated-}ACT'");
        }
        String act = parts[parts.length - 1];
        if (ffProj.equals("gated-gelu")) {
            act = "gelu_new";
        }
        if (c.has("dense_act_fn") && !c.get("dense_act_fn").asText().equals(act)) {
            throw new UnsupportedModelException("config " + configJson + " is inconsistent: feed_forward_proj '"
                    + ffProj + "' implies activation " + act + " but dense_act_fn is '" + c.get("dense_act_fn").asText()
                    + "'");
        }
        if (c.has("is_gated_act") && c.get("is_gated_act").asBoolean() != gated) {
            throw new UnsupportedModelException("config " + configJson + " is inconsistent: feed_forward_proj '"
                    + ffProj + "' vs is_gated_act " + c.get("is_gated_act").asBoolean());
        }
        int numLayers = c.path("num_layers").asInt(mt5 ? 8 : 6);
        try {
            return new T5Config(c.path("vocab_size").asInt(mt5 ? 250112 : 32128), c.path("d_model").asInt(512),
                    c.path("d_kv").asInt(64), c.path("num_heads").asInt(mt5 ? 6 : 8),
                    c.path("d_ff").asInt(mt5 ? 1024 : 2048), numLayers,
                    c.hasNonNull("num_decoder_layers") ? c.get("num_decoder_layers").asInt() : numLayers,
                    c.path("relative_attention_num_buckets").asInt(32),
                    c.path("relative_attention_max_distance").asInt(128),
                    c.path("layer_norm_epsilon").asDouble(1e-6), act, gated,
                    c.path("tie_word_embeddings").asBoolean(!mt5), c.path("pad_token_id").asInt(0),
                    c.path("eos_token_id").asInt(1), c.path("decoder_start_token_id").asInt(0));
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException(e.getMessage() + " (in " + configJson + ")", e);
        }
    }
}
