package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.ragtune.langchain4j.RagtuneContentRetriever;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ragtune's {@code /v1} through LangChain4j's OpenAI models (which ragtune did not write), and a LangChain4j
 * {@code AiServices} assistant whose retrieval augmentor uses ragtune's retriever and whose chat model is ragtune.
 */
class LangChain4jClientsTest extends WithOpenAiServer {

    /** An AI service of the README's example. */
    interface Assistant {
        Result<String> answer(String question);
    }

    @Test
    void theChatModelAnswersFromTheCollectionWithCitationMarkers() {
        // the README's example, with the base URL and key of this test's server
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey(OpenAiServer.KEY)
                .modelName("ragtune")
                .build();

        ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("What does LoRA freeze?"));

        assertThat(r.aiMessage().text()).contains("LoRA freezes the pretrained weights").endsWith("[1]");
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(server.embedder.count(r.aiMessage().text()));
    }

    @Test
    void theStreamingModelsPiecesJoinToTheNonStreamedAnswer() throws Exception {
        String question = "What does dropout do during training?";
        String whole = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(OpenAiServer.KEY).modelName("ragtune")
                .build().chat(question);
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey(OpenAiServer.KEY)
                .modelName("ragtune")
                .build();

        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(question, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse complete = done.get(60, TimeUnit.SECONDS);

        assertThat(pieces.toString()).isEqualTo(whole).contains("Dropout switches off random neurons");
        assertThat(complete.aiMessage().text()).isEqualTo(whole);
    }

    @Test
    void theEmbeddingModelGivesRagtunesVectors() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey(OpenAiServer.KEY)
                .modelName(OnnxEmbedder.ALL_MINILM_L6_V2)
                .build();
        String text = "BM25 weighs term frequency against document length.";

        float[] v = model.embed(text).content().vector();

        assertThat(OpenAiServer.cosine(v, server.embedder.embed(text))).isGreaterThanOrEqualTo(0.9999);
        assertThat(v).hasSize(384);
    }

    @Test
    void aWrongKeyIsLangChain4jsAuthenticationException() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("wrong").modelName("ragtune")
                .maxRetries(0).build();

        assertThatThrownBy(() -> model.chat("What does LoRA freeze?")).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void anAiServicesAssistantWithRagtunesRetrieverAnswersFromTheCollection() {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(OpenAiServer.KEY)
                .modelName("ragtune").build();
        // the README's example: ragtune's collection as LangChain4j's content retriever
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(chat)
                .retrievalAugmentor(DefaultRetrievalAugmentor.builder()
                        .contentRetriever(RagtuneContentRetriever.hybrid(server.retriever, server.embedder, 1))
                        .build())
                .build();

        Result<String> r = assistant.answer("What does dropout do during training?");

        List<Content> sources = r.sources();
        assertThat(sources).hasSize(1);
        assertThat(sources.get(0).textSegment().metadata().getString(RagtuneContentRetriever.CHUNK_ID))
                .isEqualTo("dropout.md#0");
        assertThat(sources.get(0).textSegment().metadata().getString(RagtuneContentRetriever.SOURCE)).endsWith("dropout.md");
        assertThat(r.content()).contains("Dropout switches off random neurons during training");
    }
}
