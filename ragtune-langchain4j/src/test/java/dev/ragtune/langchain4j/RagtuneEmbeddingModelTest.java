package dev.ragtune.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EmbeddingModel gives ragtune's vectors, which LangChain4j's own all-MiniLM-L6-v2 agrees with. */
class RagtuneEmbeddingModelTest {
    static final List<String> TEXTS = List.of("LoRA freezes the pretrained weights and trains low-rank matrices.",
            "A regularização L2 penaliza pesos grandes.", "The Black Death peaked in Europe from 1347 to 1351.");

    @Test
    void vectorsAreRagtunesOwnAndAgreeWithLangChain4jsMiniLm() {
        try (OnnxEmbedder embedder = OnnxEmbedder.allMiniLmL6V2()) {
            RagtuneEmbeddingModel model = new RagtuneEmbeddingModel(embedder);
            Response<List<Embedding>> r = model.embedAll(TEXTS.stream().map(TextSegment::from).toList());

            float[][] own = embedder.embed(TEXTS);
            AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(r.content().get(i).vector()).containsExactly(own[i]);
                Embedding ref = reference.embed(TEXTS.get(i)).content();
                assertThat(CosineSimilarity.between(r.content().get(i), ref)).isGreaterThan(0.999);
            }
            assertThat(model.dimension()).isEqualTo(384);
            assertThat(model.modelName()).isEqualTo(OnnxEmbedder.ALL_MINILM_L6_V2);
            int tokens = TEXTS.stream().mapToInt(embedder::count).sum();
            assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(tokens).isGreaterThan(TEXTS.size() * 5);
        }
    }
}
