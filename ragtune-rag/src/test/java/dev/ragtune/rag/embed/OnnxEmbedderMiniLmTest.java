package dev.ragtune.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** all-MiniLM-L6-v2 from the LangChain4j jar, checked against LangChain4j itself and against raw ONNX output. */
class OnnxEmbedderMiniLmTest extends EmbedderContractTest {
    /** LangChain4j's tokenizer preset cuts at 128 tokens; [CLS] and [SEP] take two of them. */
    private static final int LANGCHAIN4J_CONTENT_TOKENS = 126;

    @Override
    protected Embedder createEmbedder() {
        return OnnxEmbedder.allMiniLmL6V2();
    }

    static List<JsonNode> prose() throws Exception {
        try (InputStream in = OnnxEmbedderMiniLmTest.class.getResourceAsStream("/embed-prose/prose-en-pt.json")) {
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("texts").forEach(out::add);
            return out;
        }
    }

    static List<String> proseTexts() throws Exception {
        return prose().stream().map(n -> n.get("text").asText()).toList();
    }

    @Test
    void declaresSentenceTransformersIdDimensionAndTokenLimit() {
        assertThat(embedder.id()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2");
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.maxTokens()).isEqualTo(256);
    }

    /**
     * Prose only: LangChain4j decodes word pieces back to text and re-tokenizes them, which changes code-heavy text
     * (cosine down to 0.86 in the anchors), and it cuts at 128 tokens, so texts here stay under that.
     */
    @Test
    void matchesLangChain4jOnEnglishAndPortugueseProse() throws Exception {
        List<JsonNode> prose = prose();
        List<String> texts = proseTexts();
        assertThat(texts).hasSize(50);
        assertThat(prose.stream().filter(n -> n.get("lang").asText().equals("pt"))).hasSize(25);
        for (String t : texts) {
            assertThat(embedder.count(t)).as("fits LangChain4j's window: %s", t)
                    .isLessThanOrEqualTo(LANGCHAIN4J_CONTENT_TOKENS);
        }
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        List<float[]> expected = reference.embedAll(texts.stream().map(TextSegment::from).toList()).content()
                .stream().map(e -> e.vector()).toList();
        float[][] actual = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cosine(actual[i], expected.get(i))).as("cosine to LangChain4j for %s", prose.get(i).get("source"))
                    .isGreaterThanOrEqualTo(0.999);
        }
    }

    /** Explains the documented difference: capped at 128 tokens, we agree with LangChain4j on long prose too. */
    @Test
    void cappedAt128TokensAgreesWithLangChain4jOnLongProse() throws Exception {
        List<String> texts = proseTexts();
        List<String> longTexts = new ArrayList<>();
        for (int i = 0; i + 3 < 25; i += 4) {
            longTexts.add(String.join(" ", texts.subList(i, i + 4)));
        }
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        try (OnnxEmbedder capped = OnnxEmbedder.allMiniLmL6V2(EmbeddingSettings.defaults().withMaxTokens(128))) {
            float[][] ours256 = embedder.embed(longTexts);
            float[][] ours128 = capped.embed(longTexts);
            double minCapped = 1;
            double minFull = 1;
            for (int i = 0; i < longTexts.size(); i++) {
                assertThat(embedder.count(longTexts.get(i))).isGreaterThan(130);
                float[] expected = reference.embed(longTexts.get(i)).content().vector();
                minCapped = Math.min(minCapped, cosine(ours128[i], expected));
                minFull = Math.min(minFull, cosine(ours256[i], expected));
            }
            assertThat(minCapped).isGreaterThanOrEqualTo(0.999);
            assertThat(minFull).as("the full 256-token window really sees more text").isLessThan(0.995);
        }
    }

    @Test
    void batchedEqualsOneByOne() throws Exception {
        List<String> texts = new ArrayList<>(proseTexts());
        texts.addAll(SAMPLE);
        float[][] batched = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = embedder.embed(texts.get(i));
            for (int d = 0; d < single.length; d++) {
                assertThat(Math.abs(batched[i][d] - single[d])).as("text %d dim %d", i, d).isLessThanOrEqualTo(1e-5f);
            }
        }
    }

    @Test
    void countEqualsTokenizerIdsMinusSpecialTokens() throws Exception {
        List<String> texts = new ArrayList<>(proseTexts());
        texts.add(String.join(" ", proseTexts().subList(0, 10))); // well over 256 tokens: count must not truncate
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in,
                     Map.of("truncation", "false", "padding", "false"))) {
            for (String t : texts) {
                Encoding e = tokenizer.encode(t, true, false);
                long specials = java.util.Arrays.stream(e.getSpecialTokenMask()).sum();
                assertThat(specials).isEqualTo(2); // [CLS] and [SEP]
                assertThat(embedder.count(t)).as(t).isEqualTo(e.getIds().length - specials);
            }
            assertThat(embedder.count(texts.get(texts.size() - 1))).isGreaterThan(600);
        }
    }

    @Test
    void textsLongerThanMaxTokensAreTruncatedAtTheLimit() throws Exception {
        String longText = String.join(" ", proseTexts().subList(0, 6));
        assertThat(embedder.count(longText)).isGreaterThan(300);
        float[] base = embedder.embed(longText);
        float[] differentTail = embedder.embed(longText + " Volcanoes erupt molten rock and ash over nearby towns.");
        float[] differentHead = embedder.embed("Volcanoes erupt molten rock and ash over nearby towns. " + longText);
        assertThat(cosine(base, differentTail)).isGreaterThan(0.99999);
        assertThat(cosine(base, differentHead)).isLessThan(0.999);
    }

    /** The window is 256 tokens: [CLS] + 254 word pieces + [SEP], not the 128 preset in the tokenizer file. */
    @Test
    void windowHoldsExactly254WordPiecesBetweenTheSpecialTokens() throws Exception {
        String longText = String.join(" ", proseTexts().subList(0, 8));
        String about200 = firstWordPieces(longText, 200);
        String past254 = firstWordPieces(longText, 260);
        assertThat(embedder.count(about200)).isBetween(190, 240);
        assertThat(embedder.count(past254)).isGreaterThanOrEqualTo(254);
        String volcano = " Volcanoes erupt molten rock and ash.";
        String bread = " Bakers sell fresh bread every morning.";
        assertThat(cosine(embedder.embed(about200 + volcano), embedder.embed(about200 + bread))).isLessThan(0.9999);
        assertThat(cosine(embedder.embed(past254 + volcano), embedder.embed(past254 + bread))).isGreaterThan(0.999999);
    }

    private static String firstWordPieces(String text, int n) throws Exception {
        try (InputStream in = OnnxEmbedderMiniLmTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in,
                     Map.of("truncation", "false", "padding", "false"))) {
            long[] ids = tokenizer.encode(text, false, false).getIds();
            return tokenizer.decode(java.util.Arrays.copyOf(ids, n), true);
        }
    }

    /** Many tiny batches spread over two worker threads must land back in input order, unchanged. */
    @Test
    void parallelWorkersAndTinyBatchesGiveTheSameVectors() throws Exception {
        List<String> texts = new ArrayList<>(proseTexts());
        texts.addAll(SAMPLE);
        float[][] expected = embedder.embed(texts);
        try (OnnxEmbedder parallel = OnnxEmbedder.allMiniLmL6V2(
                EmbeddingSettings.defaults().withWorkers(2, 1).withBatching(200, 3))) {
            float[][] actual = parallel.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(actual[i]).as("text %d", i)
                        .containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void settingsRejectImpossibleValues() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EmbeddingSettings(0, 1, 512, 16, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddingSettings.defaults().withBatching(0, 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenBudget");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddingSettings.defaults().withMaxTokens(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens");
    }

    /** Independent of our batching and pooling code: one raw ONNX call, mean over all tokens by hand, normalized. */
    @Test
    void meanPoolingMatchesHandComputationFromRawOnnxOutput() throws Exception {
        String text = proseTexts().get(30);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            model = in.readAllBytes();
        }
        float[] expected = new float[384];
        try (InputStream tin = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tin, Map.of("padding", "false"));
             OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            Encoding e = tokenizer.encode(text, true, false);
            long[] shape = {1, e.getIds().length};
            try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getIds()), shape);
                 OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getAttentionMask()), shape);
                 OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getTypeIds()), shape);
                 OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                         "token_type_ids", types))) {
                float[][] tokens = ((float[][][]) r.get(0).getValue())[0];
                for (float[] token : tokens) {
                    for (int d = 0; d < 384; d++) {
                        expected[d] += token[d] / tokens.length;
                    }
                }
            }
        }
        double n = norm(expected);
        float[] actual = embedder.embed(text);
        for (int d = 0; d < 384; d++) {
            assertThat((double) actual[d]).isCloseTo(expected[d] / n, org.assertj.core.api.Assertions.within(1e-5));
        }
    }
}
