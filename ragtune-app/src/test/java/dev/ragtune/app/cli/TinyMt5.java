package dev.ragtune.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.model.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a tiny random mT5 folder in the layout of google/mt5-small: {@code config.json} (model_type mt5,
 * MT5ForConditionalGeneration, untied lm_head, vocabulary 250112), {@code generation_config.json}, HF tensor names,
 * and a SentencePiece-Unigram {@code tokenizer.json} in mT5's layout (Metaspace, {@code </s>} appended, unk id 2)
 * whose pieces cover Portuguese. The real 250k-piece tokenizer is not in this repository; this one has a few hundred
 * pieces, so the lm_head rows past them are zero (their logit 0 never beats the best of the random ones).
 */
final class TinyMt5 {
    static final int VOCAB = 250112;
    static final int D = 8;

    private TinyMt5() {
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["MT5ForConditionalGeneration"], "d_ff": 16, "d_kv": 4, "d_model": 8,
                 "decoder_start_token_id": 0, "dropout_rate": 0.1, "eos_token_id": 1, "feed_forward_proj": "gated-gelu",
                 "initializer_factor": 1.0, "is_encoder_decoder": true, "layer_norm_epsilon": 1e-06, "model_type": "mt5",
                 "num_decoder_layers": 1, "num_heads": 2, "num_layers": 1, "pad_token_id": 0,
                 "relative_attention_num_buckets": 32, "tie_word_embeddings": false, "tokenizer_class": "T5Tokenizer",
                 "vocab_size": 250112}
                """);
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"decoder_start_token_id\": 0, \"eos_token_id\": 1, \"pad_token_id\": 0}");
        int pieces = writeTokenizer(dir.resolve("tokenizer.json"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("shared.weight", new long[] {VOCAB, D});
        shapes.put("lm_head.weight", new long[] {VOCAB, D});
        for (String stack : new String[] {"encoder", "decoder"}) {
            String p = stack + ".block.0.layer.";
            shapes.put(p + "0.SelfAttention.relative_attention_bias.weight", new long[] {32, 2});
            for (String m : new String[] {"q", "k", "v"}) {
                shapes.put(p + "0.SelfAttention." + m + ".weight", new long[] {8, D});
                if (stack.equals("decoder")) {
                    shapes.put(p + "1.EncDecAttention." + m + ".weight", new long[] {8, D});
                }
            }
            shapes.put(p + "0.SelfAttention.o.weight", new long[] {D, 8});
            shapes.put(p + "0.layer_norm.weight", new long[] {D});
            int ff = stack.equals("encoder") ? 1 : 2;
            if (stack.equals("decoder")) {
                shapes.put(p + "1.EncDecAttention.o.weight", new long[] {D, 8});
                shapes.put(p + "1.layer_norm.weight", new long[] {D});
            }
            shapes.put(p + ff + ".DenseReluDense.wi_0.weight", new long[] {16, D});
            shapes.put(p + ff + ".DenseReluDense.wi_1.weight", new long[] {16, D});
            shapes.put(p + ff + ".DenseReluDense.wo.weight", new long[] {D, 16});
            shapes.put(p + ff + ".layer_norm.weight", new long[] {D});
            shapes.put(stack + ".final_layer_norm.weight", new long[] {D});
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            m.getEngine().setRandomSeed(7);
            Map<String, NDArray> t = new LinkedHashMap<>();
            shapes.forEach((k, s) -> t.put(k, k.endsWith("norm.weight") ? m.ones(new Shape(s))
                    : m.randomNormal(0, 0.5f, new Shape(s), DataType.FLOAT32)));
            float[] head = t.get("lm_head.weight").toFloatArray();
            java.util.Arrays.fill(head, pieces * D, head.length, 0f);
            t.put("lm_head.weight", m.create(head, new Shape(VOCAB, D)));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
        }
        return dir;
    }

    /** A Unigram tokenizer.json in mT5's layout; returns its number of pieces. */
    static int writeTokenizer(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "Replace").put("content", " ").putObject("pattern").put("Regex", " {2,}");
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581").put("add_prefix_space", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode eos = post.putObject("special_tokens").putObject("</s>");
        eos.put("id", "</s>");
        eos.putArray("ids").add(1);
        eos.putArray("tokens").add("</s>");
        root.putObject("decoder").put("type", "Metaspace").put("replacement", "\u2581").put("add_prefix_space", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", 2);
        ArrayNode vocab = model.putArray("vocab");
        Set<String> seen = new LinkedHashSet<>();
        for (String s : specials) {
            vocab.addArray().add(s).add(0.0);
            seen.add(s);
        }
        String words = "\u2581não \u2581ação \u2581informações \u2581de \u2581a \u2581o \u2581que \u2581é \u2581há \u2581sobre"
                + " \u2581modelo \u2581resposta \u2581pergunta \u2581contexto ção ções ão ões \u2581";
        for (String w : words.split(" ")) {
            if (seen.add(w)) {
                vocab.addArray().add(w).add(-3.0);
            }
        }
        String chars = "abcdefghijklmnopqrstuvwxyzáàâãéêíóôõúüçABCDEFGHIJKLMNOPQRSTUVWXYZÁÀÂÃÉÊÍÓÔÕÚÇ0123456789"
                + ".,;:?!-'\"()[]{}/";
        for (int i = 0; i < chars.length(); i++) {
            String c = String.valueOf(chars.charAt(i));
            if (seen.add(c)) {
                vocab.addArray().add(c).add(-10.0);
            }
            if (seen.add("\u2581" + c)) {
                vocab.addArray().add("\u2581" + c).add(-11.0);
            }
        }
        json.writeValue(file.toFile(), root);
        return vocab.size();
    }
}
