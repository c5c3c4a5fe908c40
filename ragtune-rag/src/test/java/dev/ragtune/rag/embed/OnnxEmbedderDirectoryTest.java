package dev.ragtune.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OnnxEmbedder#fromDirectory} on sentence-transformers folders assembled from the all-MiniLM-L6-v2 files in
 * the LangChain4j jar, with config files written as sentence-transformers writes them.
 */
class OnnxEmbedderDirectoryTest extends EmbedderContractTest {
    private static final String CLASSIC_MEAN_POOLING = """
            {"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true,
             "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false,
             "pooling_mode_weightedmean_tokens": false, "pooling_mode_lasttoken": false, "include_prompt": true}
            """;
    private static final String SBERT_256 = "{\"max_seq_length\": 256, \"do_lower_case\": false}";

    @TempDir
    static Path temp;

    /** Model bytes extracted once per class; other folders link to it. */
    private Path extractedModel;

    @Override
    protected Embedder createEmbedder() throws IOException {
        Path dir = temp.resolve("all-MiniLM-L6-v2");
        Files.createDirectories(dir.resolve("onnx"));
        extractedModel = dir.resolve("onnx/model.onnx");
        copyResource(OnnxEmbedder.MINILM_MODEL_RESOURCE, extractedModel);
        copyResource(OnnxEmbedder.MINILM_TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
        write(dir.resolve("1_Pooling/config.json"), CLASSIC_MEAN_POOLING);
        write(dir.resolve("sentence_bert_config.json"), SBERT_256);
        return OnnxEmbedder.fromDirectory(dir);
    }

    /** A folder in the newer layout: model.onnx at the top, {@code "pooling_mode": mode}. */
    private Path folder(String name, String poolingMode, String sbertConfig) throws IOException {
        Path dir = temp.resolve(name);
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("model.onnx"), extractedModel);
        copyResource(OnnxEmbedder.MINILM_TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
        write(dir.resolve("1_Pooling/config.json"),
                "{\"embedding_dimension\": 384, \"pooling_mode\": \"" + poolingMode + "\", \"include_prompt\": true}");
        write(dir.resolve("sentence_bert_config.json"), sbertConfig);
        return dir;
    }

    @Test
    void givesTheSameVectorsAsTheBuiltInMiniLm() throws Exception {
        List<String> texts = OnnxEmbedderMiniLmTest.proseTexts();
        try (OnnxEmbedder builtIn = OnnxEmbedder.allMiniLmL6V2()) {
            float[][] expected = builtIn.embed(texts);
            float[][] actual = embedder.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(actual[i]).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        assertThat(embedder.id()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.maxTokens()).isEqualTo(256);
        assertThat(((OnnxEmbedder) embedder).pooling()).isEqualTo(Pooling.MEAN);
    }

    /** cls and max pooling against the raw ONNX output of one unpadded call, pooled and normalized by hand. */
    @Test
    void clsAndMaxPoolingMatchHandComputationFromRawOnnxOutput() throws Exception {
        String text = OnnxEmbedderMiniLmTest.proseTexts().get(3);
        float[][] tokens = rawTokenVectors(text);
        float[] cls = tokens[0].clone();
        float[] max = new float[384];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (float[] token : tokens) {
            for (int d = 0; d < 384; d++) {
                max[d] = Math.max(max[d], token[d]);
            }
        }
        List<String> batch = List.of("A much longer neighbour forces padding onto the text under test, so pooling "
                + "must skip the padded positions. " + text, text, "Short.");
        try (OnnxEmbedder clsEmbedder = OnnxEmbedder.fromDirectory(folder("cls-model", "cls", SBERT_256));
             OnnxEmbedder maxEmbedder = OnnxEmbedder.fromDirectory(folder("max-model", "max", SBERT_256))) {
            assertThat(clsEmbedder.pooling()).isEqualTo(Pooling.CLS);
            assertThat(maxEmbedder.pooling()).isEqualTo(Pooling.MAX);
            assertClose(clsEmbedder.embed(batch)[1], cls);
            assertClose(maxEmbedder.embed(batch)[1], max);
            assertThat(cosine(clsEmbedder.embed(text), embedder.embed(text))).isLessThan(0.99);
        }
    }

    @Test
    void missingFilesAreAllNamedInOneError() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty-model"));
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(empty)).isInstanceOf(ModelFilesException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("onnx/model.onnx")
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("sentence_bert_config.json");
    }

    @Test
    void missingPoolingConfigAloneIsNamed() throws IOException {
        Path dir = folder("no-pooling", "mean", SBERT_256);
        Files.delete(dir.resolve("1_Pooling/config.json"));
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(dir)).isInstanceOf(ModelFilesException.class)
                .hasMessageContaining("lacks 1_Pooling/config.json.");
    }

    @Test
    void notADirectoryIsAClearError() {
        Path nowhere = temp.resolve("does-not-exist");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(nowhere)).isInstanceOf(ModelFilesException.class)
                .hasMessageContaining(nowhere.toString()).hasMessageContaining("not a directory");
    }

    @Test
    void unsupportedPoolingModesAreRejectedByName() throws IOException {
        Path weighted = folder("weighted", "weightedmean", SBERT_256);
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(weighted)).isInstanceOf(ModelFilesException.class)
                .hasMessageContaining("weightedmean").hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("mean, cls, max");
        Path twoModes = folder("two-modes", "mean", SBERT_256);
        write(twoModes.resolve("1_Pooling/config.json"), CLASSIC_MEAN_POOLING.replace(
                "\"pooling_mode_max_tokens\": false", "\"pooling_mode_max_tokens\": true"));
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(twoModes)).isInstanceOf(ModelFilesException.class)
                .hasMessageContaining("exactly one pooling mode");
    }

    @Test
    void tokenLimitFallsBackToTokenizerConfigWhenSentenceBertConfigHasNone() throws Exception {
        Path dir = folder("no-max-seq", "mean", "{\"module_output_name\": \"token_embeddings\"}");
        write(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 128, \"do_lower_case\": true}");
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(dir)) {
            assertThat(e.maxTokens()).isEqualTo(128);
            String longText = String.join(" ", OnnxEmbedderMiniLmTest.proseTexts().subList(0, 4));
            assertThat(e.embed(longText)).containsExactly(
                    embedder.embed(cutToTokens(longText, 126)), org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void settingsCanLowerButNotRaiseTheModelTokenLimit() throws Exception {
        Path dir = folder("limits", "mean", SBERT_256);
        try (OnnxEmbedder lower = OnnxEmbedder.fromDirectory(dir, EmbeddingSettings.defaults().withMaxTokens(64));
             OnnxEmbedder higher = OnnxEmbedder.fromDirectory(dir, EmbeddingSettings.defaults().withMaxTokens(4096))) {
            assertThat(lower.maxTokens()).isEqualTo(64);
            assertThat(higher.maxTokens()).isEqualTo(256);
        }
    }

    /** The first {@code n} word pieces of {@code text}, decoded back to text by the tokenizer. */
    private static String cutToTokens(String text, int n) throws IOException {
        try (InputStream in = OnnxEmbedder.class.getClassLoader()
                .getResourceAsStream(OnnxEmbedder.MINILM_TOKENIZER_RESOURCE);
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in,
                     Map.of("truncation", "false", "padding", "false"))) {
            long[] ids = tokenizer.encode(text, false, false).getIds();
            return tokenizer.decode(java.util.Arrays.copyOf(ids, n), true);
        }
    }

    private float[][] rawTokenVectors(String text) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (InputStream tin = OnnxEmbedder.class.getClassLoader()
                .getResourceAsStream(OnnxEmbedder.MINILM_TOKENIZER_RESOURCE);
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tin, Map.of("padding", "false"));
             OrtSession session = env.createSession(extractedModel.toString(), new OrtSession.SessionOptions())) {
            Encoding e = tokenizer.encode(text, true, false);
            long[] shape = {1, e.getIds().length};
            try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getIds()), shape);
                 OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getAttentionMask()), shape);
                 OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getTypeIds()), shape);
                 OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                         "token_type_ids", types))) {
                return ((float[][][]) r.get(0).getValue())[0];
            }
        }
    }

    private static void assertClose(float[] actual, float[] unnormalized) {
        double n = norm(unnormalized);
        for (int d = 0; d < unnormalized.length; d++) {
            assertThat((double) actual[d]).as("dim %d", d).isCloseTo(unnormalized[d] / n, within(1e-5));
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, target);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
