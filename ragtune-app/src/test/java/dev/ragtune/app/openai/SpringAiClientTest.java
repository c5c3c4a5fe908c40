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

    /**
     * The README's example, with the address and key of this test's server, and the JDK's HTTP client chosen
     * explicitly: Spring picks Jetty's client when one is on the class path and needs Jetty 12's, but this class path
     * carries Jetty 11's (Javalin's server and SolrJ).
     */
    static org.springframework.ai.openai.api.OpenAiApi api(String key) {
        return org.springframework.ai.openai.api.OpenAiApi.builder()
                .baseUrl(root())
                .apiKey(key)
                .restClientBuilder(org.springframework.web.client.RestClient.builder()
                        .requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory()))
                .webClientBuilder(org.springframework.web.reactive.function.client.WebClient.builder()
                        .clientConnector(new org.springframework.http.client.reactive.JdkClientHttpConnector()))
                .build();
    }

    static OpenAiChatModel chatModel(String key) {
        var api = api(key);
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
        var api = api(OpenAiServer.KEY);
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
