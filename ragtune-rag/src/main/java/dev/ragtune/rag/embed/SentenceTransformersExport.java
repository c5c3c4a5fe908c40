package dev.ragtune.rag.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a sentence-transformers model folder with an ONNX export says about itself: where the model and tokenizer
 * are, how to pool, the vector size and the token limit.
 *
 * <p>Files read: {@code onnx/model.onnx} (or {@code model.onnx}), {@code tokenizer.json},
 * {@code 1_Pooling/config.json} (both the classic {@code pooling_mode_*_tokens} flags and the newer
 * {@code "pooling_mode": "mean"} form) and {@code sentence_bert_config.json}. The token limit is that file's
 * {@code max_seq_length}; when it has none (newer exports), {@code tokenizer_config.json}'s
 * {@code model_max_length}, then {@code config.json}'s {@code max_position_embeddings}.
 */
record SentenceTransformersExport(Path modelFile, Path tokenizerFile, Pooling pooling, int dimension,
                                  int maxSeqLength) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Transformers' placeholder for "no limit" in tokenizer_config.json is a huge number; ignore such values. */
    private static final int SANE_MAX_LENGTH = 1 << 20;

    static SentenceTransformersExport read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFilesException("Model directory " + dir + " does not exist or is not a directory: pass "
                    + "the folder of a sentence-transformers model exported to ONNX");
        }
        List<String> missing = new ArrayList<>();
        Path model = Files.isRegularFile(dir.resolve("onnx/model.onnx")) ? dir.resolve("onnx/model.onnx")
                : dir.resolve("model.onnx");
        if (!Files.isRegularFile(model)) {
            missing.add("onnx/model.onnx (or model.onnx)");
        }
        Path tokenizer = dir.resolve("tokenizer.json");
        Path pooling = dir.resolve("1_Pooling/config.json");
        Path sbert = dir.resolve("sentence_bert_config.json");
        for (Path p : List.of(tokenizer, pooling, sbert)) {
            if (!Files.isRegularFile(p)) {
                missing.add(dir.relativize(p).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelFilesException("Model directory " + dir + " lacks " + String.join(", ", missing)
                    + ". Export the model with sentence-transformers (model.save(dir) plus an ONNX export of the "
                    + "transformer, e.g. optimum-cli export onnx) so the folder holds all of them");
        }
        JsonNode poolingJson = readJson(pooling);
        Pooling mode = poolingMode(poolingJson, pooling);
        int dimension = intField(poolingJson, pooling, "word_embedding_dimension", "embedding_dimension");
        int maxSeq = maxSeqLength(dir, sbert);
        return new SentenceTransformersExport(model, tokenizer, mode, dimension, maxSeq);
    }

    private static Pooling poolingMode(JsonNode json, Path file) {
        Map<String, Pooling> supported = Map.of("mean", Pooling.MEAN, "cls", Pooling.CLS, "max", Pooling.MAX);
        List<String> modes = new ArrayList<>();
        JsonNode named = json.get("pooling_mode");
        if (named != null && named.isTextual()) {
            modes.add(named.asText().toLowerCase(java.util.Locale.ROOT).replaceFirst("_tokens?$", ""));
        }
        json.fields().forEachRemaining(e -> {
            String key = e.getKey();
            if (key.startsWith("pooling_mode_") && e.getValue().asBoolean(false)) {
                modes.add(key.substring("pooling_mode_".length()).replaceFirst("_tokens?$", ""));
            }
        });
        if (modes.size() != 1) {
            throw new ModelFilesException(file + " must select exactly one pooling mode, found " + modes
                    + "; supported: mean, cls, max");
        }
        Pooling mode = supported.get(modes.get(0));
        if (mode == null) {
            throw new ModelFilesException(file + " asks for pooling '" + modes.get(0)
                    + "', which ragtune does not implement; supported: mean, cls, max");
        }
        return mode;
    }

    private static int maxSeqLength(Path dir, Path sbert) {
        JsonNode fromSbert = readJson(sbert).get("max_seq_length");
        if (fromSbert != null && fromSbert.canConvertToInt() && fromSbert.asInt() > 0) {
            return fromSbert.asInt();
        }
        Path tokenizerConfig = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tokenizerConfig)) {
            JsonNode n = readJson(tokenizerConfig).get("model_max_length");
            if (n != null && n.isNumber() && n.asLong() > 0 && n.asLong() < SANE_MAX_LENGTH) {
                return n.asInt();
            }
        }
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(config)) {
            JsonNode n = readJson(config).get("max_position_embeddings");
            if (n != null && n.canConvertToInt() && n.asInt() > 0) {
                return n.asInt();
            }
        }
        throw new ModelFilesException(sbert + " has no max_seq_length, and neither tokenizer_config.json "
                + "(model_max_length) nor config.json (max_position_embeddings) gives a limit: add "
                + "\"max_seq_length\": N to " + sbert.getFileName());
    }

    private static int intField(JsonNode json, Path file, String... names) {
        for (String name : names) {
            JsonNode n = json.get(name);
            if (n != null && n.canConvertToInt() && n.asInt() > 0) {
                return n.asInt();
            }
        }
        throw new ModelFilesException(file + " lacks a positive " + String.join(" or ", names));
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFilesException(file + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ModelFilesException(file + " is not readable JSON: " + e.getMessage(), e);
        }
    }
}
