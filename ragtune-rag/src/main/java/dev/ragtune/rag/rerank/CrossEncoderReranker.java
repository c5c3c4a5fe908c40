package dev.ragtune.rag.rerank;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sentence-transformers {@code CrossEncoder} exported to ONNX (e.g. {@code cross-encoder/ms-marco-MiniLM-L6-v2}),
 * run with ONNX Runtime. The folder holds {@code onnx/model.onnx} (or {@code model.onnx}), {@code tokenizer.json}
 * and {@code config.json}; {@code tokenizer_config.json} is read for {@code model_max_length} when present.
 *
 * <p>Each (query, passage) pair is encoded as {@code [CLS] query [SEP] passage [SEP]} (token types 0/1) by the
 * model's own Hugging Face tokenizer, truncated longest-first to the model's maximum length (512 for BERT), grouped
 * into batches of similar length, padded per batch, and scored in one {@link OrtSession} run per batch.
 *
 * <p>Sharp edges: the score is the model's <b>raw logit</b> (num_labels 1), which is what the PyTorch model
 * outputs; sentence-transformers' {@code CrossEncoder.predict} applies a sigmoid on top by default for such models.
 * The order is the same either way; pass {@link Activation#SIGMOID} for 0..1 scores. A model with more than one
 * label (e.g. NLI) is refused. One instance owns one ONNX session: close it. {@link #score} is thread-safe.
 */
public final class CrossEncoderReranker implements Reranker {
    /** What is applied to the logit. */
    public enum Activation { IDENTITY, SIGMOID }

    /**
     * Tuning knobs.
     *
     * @param batchSize      pairs per ONNX run (padding is per batch, so smaller batches waste less on mixed lengths)
     * @param maxLength      token limit of a pair, 0 = the model's ({@code model_max_length}, capped by
     *                       {@code max_position_embeddings}, default 512)
     * @param activation     applied to the logit
     * @param intraOpThreads ONNX Runtime intra-op threads, 0 = its default
     */
    public record Options(int batchSize, int maxLength, Activation activation, int intraOpThreads) {
        public static final Options DEFAULTS = new Options(16, 0, Activation.IDENTITY, 0);

        public Options {
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0, was " + maxLength);
            if (intraOpThreads < 0) throw new IllegalArgumentException("intraOpThreads must be >= 0");
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** The encoding of one pair, as fed to the model. */
    public record PairEncoding(long[] inputIds, long[] tokenTypeIds, long[] attentionMask) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_LENGTH = 512;

    private final String id;
    private final Options options;
    private final int maxLength;
    private final long padId;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final boolean feedsTokenTypes;

    private CrossEncoderReranker(String id, Options options, int maxLength, long padId,
                                 HuggingFaceTokenizer tokenizer, OrtEnvironment env, OrtSession session,
                                 String outputName, boolean feedsTokenTypes) {
        this.id = id;
        this.options = options;
        this.maxLength = maxLength;
        this.padId = padId;
        this.tokenizer = tokenizer;
        this.env = env;
        this.session = session;
        this.outputName = outputName;
        this.feedsTokenTypes = feedsTokenTypes;
    }

    /** Loads the cross-encoder in {@code dir} with {@link Options#DEFAULTS}. */
    public static CrossEncoderReranker load(Path dir) {
        return load(dir, Options.DEFAULTS);
    }

    /**
     * Loads the cross-encoder in {@code dir}.
     *
     * @throws RerankerLoadException files missing (named), unreadable config, or a model that is not a cross-encoder
     */
    public static CrossEncoderReranker load(Path dir, Options options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(dir)) {
            throw new RerankerLoadException("cross-encoder folder " + dir + " does not exist; pass the folder of a "
                    + "sentence-transformers CrossEncoder ONNX export (onnx/model.onnx, tokenizer.json, config.json)");
        }
        Path model = Files.isRegularFile(dir.resolve("onnx/model.onnx")) ? dir.resolve("onnx/model.onnx")
                : dir.resolve("model.onnx");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        Path configJson = dir.resolve("config.json");
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(model)) missing.add("onnx/model.onnx (or model.onnx)");
        if (!Files.isRegularFile(tokenizerJson)) missing.add("tokenizer.json");
        if (!Files.isRegularFile(configJson)) missing.add("config.json");
        if (!missing.isEmpty()) {
            throw new RerankerLoadException("cross-encoder folder " + dir + " is missing " + String.join(", ", missing)
                    + "; it must hold a sentence-transformers CrossEncoder ONNX export (e.g. ragtune model pull "
                    + "cross-encoder/ms-marco-MiniLM-L6-v2)");
        }
        JsonNode config = readJson(configJson);
        int labels = config.has("id2label") ? config.get("id2label").size() : config.path("num_labels").asInt(1);
        if (labels != 1) {
            throw new RerankerLoadException(configJson + " declares " + labels + " labels; a re-ranker needs a "
                    + "cross-encoder with one relevance logit (num_labels 1)");
        }
        int limit = modelMaxLength(dir, config);
        if (options.maxLength() > limit) {
            throw new RerankerLoadException("maxLength " + options.maxLength() + " exceeds what the model in " + dir
                    + " accepts (" + limit + " tokens)");
        }
        int maxLength = options.maxLength() > 0 ? options.maxLength() : limit;
        long padId = config.path("pad_token_id").asLong(0);

        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "true",
                    "truncation", "longest_first", "maxLength", Integer.toString(maxLength), "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new RerankerLoadException("cannot load the tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                if (options.intraOpThreads() > 0) so.setIntraOpNumThreads(options.intraOpThreads());
                session = env.createSession(model.toString(), so);
            }
            Set<String> inputs = session.getInputNames();
            if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")
                    || !Set.of("input_ids", "attention_mask", "token_type_ids").containsAll(inputs)) {
                throw new RerankerLoadException(model + " is not a cross-encoder: its inputs are " + inputs
                        + "; expected input_ids, attention_mask and optionally token_type_ids");
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String out = outputs.containsKey("logits") ? "logits" : outputs.keySet().iterator().next();
            checkLogitsShape(model, out, outputs.get(out));
            return new CrossEncoderReranker(dir.toAbsolutePath().normalize().getFileName().toString(), options,
                    maxLength, padId, tokenizer, env, session, out, inputs.contains("token_type_ids"));
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            tokenizer.close();
            if (e instanceof RerankerLoadException r) throw r;
            throw new RerankerLoadException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
    }

    private static void checkLogitsShape(Path model, String name, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new RerankerLoadException(model + " is not a cross-encoder: its output '" + name + "' is "
                    + info.getInfo() + ", not a tensor of logits [batch, 1]");
        }
        long[] shape = t.getShape();
        if (shape.length != 2 || (shape[1] != 1 && shape[1] != -1)) {
            String dims = describe(shape);
            String kind = shape.length == 3 ? " (token embeddings, as a sentence-transformers embedder outputs)"
                    : shape.length == 2 ? " (" + shape[1] + " values per pair)" : "";
            throw new RerankerLoadException(model + " is not a cross-encoder: its output '" + name + "' is " + dims
                    + kind + "; a cross-encoder outputs one relevance logit per pair, [batch, 1]");
        }
    }

    private static String describe(long[] shape) {
        String[] names = {"batch", "sequence"};
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i] < 0 && i < names.length ? names[i] : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    private static int modelMaxLength(Path dir, JsonNode config) {
        int limit = DEFAULT_MAX_LENGTH;
        Path tc = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tc)) {
            JsonNode m = readJson(tc).path("model_max_length");
            // HF writes a huge sentinel (1e30) when the tokenizer has no limit
            if (m.isNumber() && m.asDouble() >= 1 && m.asDouble() < 1_000_000) limit = m.asInt();
        }
        int positions = config.path("max_position_embeddings").asInt(0);
        return positions > 0 ? Math.min(limit, positions) : limit;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RerankerLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Folder name of the model, e.g. {@code ms-marco-MiniLM-L6-v2}. */
    public String id() {
        return id;
    }

    /** Token limit of one (query, passage) pair, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The model input for one pair: {@code [CLS] query [SEP] passage [SEP]}, truncated to {@link #maxLength()}. */
    public PairEncoding encode(String query, String passage) {
        Encoding e = tokenizer.encode(query, passage);
        long[] types = e.getTypeIds();
        return new PairEncoding(e.getIds(), types, e.getAttentionMask());
    }

    @Override
    public float[] score(String query, List<String> passages) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(passages, "passages");
        int n = passages.size();
        PairEncoding[] enc = new PairEncoding[n];
        for (int i = 0; i < n; i++) {
            enc[i] = encode(query, Objects.requireNonNull(passages.get(i), "passage " + i + " is null"));
        }
        // Batch pairs of similar length together (shortest first) so little compute goes to padding; scores are
        // written back in input order.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(enc[a].inputIds().length, enc[b].inputIds().length));
        float[] scores = new float[n];
        for (int start = 0; start < n; start += options.batchSize()) {
            int end = Math.min(n, start + options.batchSize());
            List<PairEncoding> batch = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) batch.add(enc[order[k]]);
            float[] logits = run(batch);
            for (int k = start; k < end; k++) scores[order[k]] = logits[k - start];
        }
        if (options.activation() == Activation.SIGMOID) {
            for (int i = 0; i < scores.length; i++) scores[i] = (float) (1.0 / (1.0 + Math.exp(-scores[i])));
        }
        return scores;
    }

    private float[] run(List<PairEncoding> batch) {
        int b = batch.size();
        int seq = batch.stream().mapToInt(p -> p.inputIds().length).max().orElse(0);
        long[] ids = new long[b * seq];
        long[] mask = new long[b * seq];
        long[] types = new long[b * seq];
        Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            PairEncoding p = batch.get(i);
            System.arraycopy(p.inputIds(), 0, ids, i * seq, p.inputIds().length);
            System.arraycopy(p.attentionMask(), 0, mask, i * seq, p.attentionMask().length);
            System.arraycopy(p.tokenTypeIds(), 0, types, i * seq, p.tokenTypeIds().length);
        }
        long[] shape = {b, seq};
        try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", idT);
            in.put("attention_mask", maskT);
            if (feedsTokenTypes) in.put("token_type_ids", typeT);
            try (OrtSession.Result result = session.run(in, Set.of(outputName))) {
                OnnxValue v = result.get(outputName).orElseThrow();
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                if (fb == null || fb.remaining() != b) {
                    throw new IllegalStateException("cross-encoder " + id + " returned "
                            + (fb == null ? "no float" : fb.remaining()) + " values for " + b + " pairs");
                }
                float[] out = new float[b];
                fb.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed scoring a batch of " + b + " pairs with " + id
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
        tokenizer.close();
    }

    private static void closeQuietly(OrtSession s) {
        if (s == null) return;
        try {
            s.close();
        } catch (OrtException ignored) {
            // nothing left to release
        }
    }
}
