package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.embed.OnnxEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.MetadataMode;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.ai.retry.NonTransientAiException;

/** ragtune's {@code /v1} through Spring AI's OpenAI chat and embedding models (no Spring Boot needed). */
class SpringAiClientTest extends WithOpenAiServer {

    static String root() {
        return server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
    }

    static OpenAiChatModel chatModel(String key) {
        // the README's example, with the address and key of this test's server
        var api = org.springframework.ai.openai.api.OpenAiApi.builder()
                .baseUrl(root())
                .apiKey(key)
                .build();
        var chat = OpenAiChatModel.builder().openAiApi(api)
                .defaultOptions(OpenAiChatOptions.builder().model("ragtune").build()).build();
        return chat;
    }

    @Test
    void theChatModelAnswersFromTheCollection() {
        String answer = chatModel(OpenAiServer.KEY).call("What does LoRA freeze?");

        assertThat(answer).contains("LoRA freezes the pretrained weights").endsWith("[1]");
    }

    @Test
    void theStreamJoinsToTheSameAnswer() {
        OpenAiChatModel chat = chatModel(OpenAiServer.KEY);
        String whole = chat.call("What does dropout do during training?");

        List<String> pieces = chat.stream("What does dropout do during training?").collectList().block();

        assertThat(pieces).hasSizeGreaterThan(3);
        assertThat(String.join("", pieces)).isEqualTo(whole).contains("Dropout switches off random neurons");
    }

    @Test
    void theEmbeddingModelGivesRagtunesVectors() {
        var api = org.springframework.ai.openai.api.OpenAiApi.builder().baseUrl(root()).apiKey(OpenAiServer.KEY).build();
        var model = new OpenAiEmbeddingModel(api, MetadataMode.EMBED,
                OpenAiEmbeddingOptions.builder().model(OnnxEmbedder.ALL_MINILM_L6_V2).build());
        String text = "Inverse document frequency favours rare terms.";

        float[] v = model.embed(text);

        assertThat(OpenAiServer.cosine(v, server.embedder.embed(text))).isGreaterThanOrEqualTo(0.9999);
    }

    @Test
    void aWrongKeyIsANonTransientError() {
        assertThatThrownBy(() -> chatModel("wrong").call("What does LoRA freeze?"))
                .isInstanceOf(NonTransientAiException.class).hasMessageContaining("401");
    }
}
