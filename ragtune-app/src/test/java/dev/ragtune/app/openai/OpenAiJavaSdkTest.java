package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ragtune's {@code /v1} through the official OpenAI Java SDK (com.openai:openai-java), which ragtune did not write. */
class OpenAiJavaSdkTest extends WithOpenAiServer {
    static OpenAIClient client;

    @BeforeAll
    static void connect() {
        // the README's example, with the base URL and key of this test's server
        client = OpenAIOkHttpClient.builder()
                .baseUrl(server.baseUrl())
                .apiKey(OpenAiServer.KEY)
                .build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static ChatCompletionCreateParams question(String q) {
        return ChatCompletionCreateParams.builder().model("ragtune").addUserMessage(q).build();
    }

    @Test
    void listsTheRagModelAndTheEmbedder() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertThat(ids).containsExactly("ragtune", OnnxEmbedder.ALL_MINILM_L6_V2);
    }

    @Test
    void aChatCompletionAnswersFromTheCollectionWithMarkersAndACitationsField() {
        ChatCompletion c = client.chat().completions().create(question("What does LoRA freeze?"));

        String text = c.choices().get(0).message().content().orElseThrow();
        assertThat(text).contains("LoRA freezes the pretrained weights of the model").endsWith(". [1]");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonValue citations = c._additionalProperties().get("citations");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = citations.convert(List.class);
        assertThat(list).hasSize(1);
        assertThat(list.get(0)).containsEntry("n", 1).containsEntry("chunk_id", "lora.md#0");
        assertThat((String) list.get(0).get("source")).endsWith("lora.md");
        // usage in the embedder's own tokens: the answer text without its marker is one known sentence
        long completion = c.usage().orElseThrow().completionTokens();
        assertThat(completion).isEqualTo(server.embedder.count(text));
        assertThat(c.usage().orElseThrow().promptTokens()).isGreaterThan(completion);
    }

    @Test
    void aStreamedCompletionConcatenatesToTheSameTextAndEndsWithUsageAndCitations() {
        String whole = client.chat().completions().create(question("What does dropout do during training?"))
                .choices().get(0).message().content().orElseThrow();
        ChatCompletionCreateParams streamed = question("What does dropout do during training?").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();

        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(streamed)) {
            s.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo(whole).contains("Dropout switches off random neurons");
        assertThat(chunks.size()).isGreaterThan(whole.split(" ").length); // sent in word pieces, not in one piece
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(server.embedder.count(whole));
        assertThat(last._additionalProperties().get("citations").toString()).contains("dropout.md#0");
    }

    @Test
    void embeddingsEqualRagtunesOwnInFloatAndInBase64() {
        String text = "Low-rank adapters are trained while the base model stays frozen.";
        float[] own = server.embedder.embed(text);
        for (EmbeddingCreateParams.EncodingFormat format : List.of(EmbeddingCreateParams.EncodingFormat.FLOAT,
                EmbeddingCreateParams.EncodingFormat.BASE64)) {
            CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                    .model(OnnxEmbedder.ALL_MINILM_L6_V2).input(text).encodingFormat(format).build());

            var value = r.data().get(0).embeddingValue();
            assertThat(value.isBase64()).as(format.toString()).isEqualTo(format == EmbeddingCreateParams.EncodingFormat.BASE64);
            List<Float> floats = value.asFloats();
            float[] v = new float[floats.size()];
            for (int i = 0; i < v.length; i++) v[i] = floats.get(i);
            assertThat(OpenAiServer.cosine(v, own)).as(format.toString()).isGreaterThanOrEqualTo(0.9999);
            assertThat(r.usage().promptTokens()).isEqualTo(server.embedder.count(text));
        }
    }

    @Test
    void aBatchOfTextsComesBackInOrder() {
        List<String> texts = List.of("dropout", "low-rank matrices", "inverse document frequency");
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(OnnxEmbedder.ALL_MINILM_L6_V2).inputOfArrayOfStrings(texts).build());

        float[][] own = server.embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(r.data().get(i).index()).isEqualTo(i);
            List<Float> floats = r.data().get(i).embedding();
            float[] v = new float[floats.size()];
            for (int j = 0; j < v.length; j++) v[j] = floats.get(j);
            assertThat(OpenAiServer.cosine(v, own[i])).isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void aWrongKeyIsTheSdksUnauthorizedException() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("not-the-key")
                .maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.models().list())
                    .isInstanceOf(UnauthorizedException.class)
                    .satisfies(e -> assertThat(((UnauthorizedException) e).statusCode()).isEqualTo(401));
        } finally {
            wrong.close();
        }
    }
}
