package dev.ragtune.rag.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder against the golden tiny model: PyTorch's logits and the HF tokenizer's pair ids
 * ({@code golden/cross-encoder-tiny/expected.json}), plus the contract every re-ranker meets.
 */
class CrossEncoderRerankerTest extends RerankerContractTest {
    static final float GOLDEN_TOLERANCE = 1e-4f;

    record Case(String query, String passage, long[] inputIds, long[] tokenTypeIds, float logit) {}

    static Path golden() {
        try {
            return Path.of(CrossEncoderRerankerTest.class.getResource("/golden/cross-encoder-tiny").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> cases() {
        try {
            JsonNode root = new ObjectMapper().readTree(golden().resolve("expected.json").toFile());
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                out.add(new Case(c.get("query").asText(), c.get("passage").asText(), longs(c.get("input_ids")),
                        longs(c.get("token_type_ids")), (float) c.get("logit").asDouble()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asLong();
        return out;
    }

    @Override
    protected Reranker newReranker() {
        return CrossEncoderReranker.load(golden(), new CrossEncoderReranker.Options(4, 0,
                CrossEncoderReranker.Activation.IDENTITY, 1));
    }

    CrossEncoderReranker ce() {
        return (CrossEncoderReranker) reranker;
    }

    @Test
    void pairTokenizationMatchesTheHuggingFaceIdsAndTokenTypes() {
        for (Case c : cases()) {
            CrossEncoderReranker.PairEncoding e = ce().encode(c.query(), c.passage());
            assertThat(e.inputIds()).as(c.passage()).containsExactly(c.inputIds());
            assertThat(e.tokenTypeIds()).as(c.passage()).containsExactly(c.tokenTypeIds());
            assertThat(e.attentionMask()).containsOnly(1L).hasSize(c.inputIds().length);
        }
    }

    @Test
    void logitsMatchPyTorchOneAtATimeAndInPaddedBatches() {
        List<Case> cases = cases();
        for (Case c : cases) {
            assertThat(ce().score(c.query(), List.of(c.passage()))[0]).as(c.passage())
                    .isCloseTo(c.logit(), within(GOLDEN_TOLERANCE));
        }
        Map<String, List<Case>> byQuery = new LinkedHashMap<>();
        for (Case c : cases) byQuery.computeIfAbsent(c.query(), q -> new ArrayList<>()).add(c);
        byQuery.forEach((q, cs) -> {
            float[] s = ce().score(q, cs.stream().map(Case::passage).toList());
            for (int i = 0; i < cs.size(); i++) assertThat(s[i]).isCloseTo(cs.get(i).logit(), within(GOLDEN_TOLERANCE));
        });
        // one batch mixing every length (the short pairs are padded to the longest)
        String q = cases.get(0).query();
        List<String> mixed = cases.stream().map(Case::passage).toList();
        float[] batched = ce().score(q, mixed);
        try (CrossEncoderReranker oneByOne = CrossEncoderReranker.load(golden(),
                new CrossEncoderReranker.Options(1, 0, CrossEncoderReranker.Activation.IDENTITY, 1))) {
            float[] single = oneByOne.score(q, mixed);
            for (int i = 0; i < single.length; i++) assertThat(batched[i]).isCloseTo(single[i], within(GOLDEN_TOLERANCE));
        }
    }

    @Test
    void rerankOrdersCandidatesByThePyTorchLogits() {
        List<Case> cases = cases();
        Map<String, List<Case>> byQuery = new LinkedHashMap<>();
        for (Case c : cases) byQuery.computeIfAbsent(c.query(), q -> new ArrayList<>()).add(c);
        byQuery.forEach((q, cs) -> {
            // present the candidates worst-first, so a correct re-ranker must move them
            List<Case> worstFirst = new ArrayList<>(cs);
            worstFirst.sort((a, b) -> Float.compare(a.logit(), b.logit()));
            List<Scored<Case>> ranked = reranker.rerank(q, worstFirst, Case::passage, worstFirst.size());
            List<Case> expected = new ArrayList<>(cs);
            expected.sort((a, b) -> Float.compare(b.logit(), a.logit()));
            assertThat(ranked).extracting(Scored::item).containsExactlyElementsOf(expected);
        });
        // the Berlin query: the population passage beats the New York one
        assertThat(reranker.rerank(cases.get(0).query(), List.of(cases.get(1).passage(), cases.get(0).passage()), 1))
                .singleElement().extracting(Scored::originalRank).isEqualTo(1);
    }

    @Test
    void sigmoidActivationGivesTheSentenceTransformersProbability() {
        Case c = cases().get(4);
        try (CrossEncoderReranker sig = CrossEncoderReranker.load(golden(),
                new CrossEncoderReranker.Options(8, 0, CrossEncoderReranker.Activation.SIGMOID, 1))) {
            double expected = 1 / (1 + Math.exp(-c.logit()));
            assertThat((double) sig.score(c.query(), List.of(c.passage()))[0]).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void longPassagesAreTruncatedLongestFirstToTheModelLimit() {
        Case c = cases().get(0);
        String longPassage = (c.passage() + " ").repeat(60); // ~1500 tokens
        assertThat(ce().maxLength()).isEqualTo(512); // tokenizer_config model_max_length, max_position_embeddings
        CrossEncoderReranker.PairEncoding e = ce().encode(c.query(), longPassage);
        assertThat(e.inputIds()).hasSize(512);
        int queryPart = 9; // [CLS] how many people live in berlin ? [SEP]
        for (int i = 0; i < queryPart; i++) assertThat(e.inputIds()[i]).isEqualTo(c.inputIds()[i]);
        assertThat(e.inputIds()[511]).isEqualTo(102L);
        assertThat(e.tokenTypeIds()[511]).isEqualTo(1L);
        assertThat(Float.isFinite(ce().score(c.query(), List.of(longPassage))[0])).isTrue();

        try (CrossEncoderReranker short32 = CrossEncoderReranker.load(golden(),
                new CrossEncoderReranker.Options(8, 32, CrossEncoderReranker.Activation.IDENTITY, 1))) {
            assertThat(short32.encode(c.query(), longPassage).inputIds()).hasSize(32);
        }
        assertThatThrownBy(() -> CrossEncoderReranker.load(golden(),
                new CrossEncoderReranker.Options(8, 1024, CrossEncoderReranker.Activation.IDENTITY, 1)))
                .isInstanceOf(RerankerLoadException.class).hasMessageContaining("(512 tokens)");
    }

    @Test
    void folderWithMissingFilesNamesThem(@TempDir Path tmp) throws IOException {
        Files.copy(golden().resolve("config.json"), tmp.resolve("config.json"));
        assertThatThrownBy(() -> CrossEncoderReranker.load(tmp))
                .isInstanceOf(RerankerLoadException.class)
                .hasMessageContaining(tmp.toString())
                .hasMessageContaining("missing onnx/model.onnx (or model.onnx), tokenizer.json")
                .hasMessageNotContaining("config.json,");
        assertThatThrownBy(() -> CrossEncoderReranker.load(tmp.resolve("nope")))
                .isInstanceOf(RerankerLoadException.class).hasMessageContaining("does not exist");
    }

    @Test
    void multiLabelModelIsRefused(@TempDir Path tmp) throws IOException {
        for (String f : List.of("model.onnx", "tokenizer.json")) Files.copy(golden().resolve(f), tmp.resolve(f));
        Files.writeString(tmp.resolve("config.json"),
                "{\"id2label\":{\"0\":\"contradiction\",\"1\":\"entailment\",\"2\":\"neutral\"}}");
        assertThatThrownBy(() -> CrossEncoderReranker.load(tmp))
                .isInstanceOf(RerankerLoadException.class).hasMessageContaining("declares 3 labels");
    }

    @Test
    void sentenceEmbedderOnnxIsRejectedAsNotACrossEncoder(@TempDir Path tmp) throws IOException {
        // The all-MiniLM-L6-v2 ONNX export bundled by LangChain4j: a BERT embedder, output [batch, seq, 384].
        Files.createDirectories(tmp.resolve("onnx"));
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the classpath (langchain4j jar)").isNotNull();
            Files.copy(in, tmp.resolve("onnx/model.onnx"));
        }
        Files.copy(golden().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.copy(golden().resolve("config.json"), tmp.resolve("config.json"));
        assertThatThrownBy(() -> CrossEncoderReranker.load(tmp))
                .isInstanceOf(RerankerLoadException.class)
                .hasMessageContaining(tmp.resolve("onnx/model.onnx") + " is not a cross-encoder: its output")
                .hasMessageContaining("its output 'last_hidden_state' is [batch, sequence, 384] (token embeddings");
    }
}
