package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragtune-no-rag} with a generative model: earlier turns reach the model's prompt within half its input budget,
 * {@code max_tokens} and {@code stop} shape the reply, usage counts the model's tokens. The model here is a stand-in
 * that counts words as tokens and always writes the same two sentences, so every count is worked out by hand.
 */
class NoRagChatTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANSWER = "Paris is the capital of France. It lies on the Seine.";
    @TempDir static Path tmp;
    static OpenAiServer server;
    static final WordModel model = new WordModel();
    static final List<OpenAiApi.Sampling> decoded = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    /** Words are tokens; 60 of them fit its input. */
    static final class WordModel implements Generator {
        final List<String> prompts = new ArrayList<>();

        @Override
        public String mode() {
            return "generative";
        }

        @Override
        public String id() {
            return "word-model";
        }

        @Override
        public int countTokens(String text) {
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Override
        public int maxInputTokens() {
            return 60;
        }

        @Override
        public synchronized Generation generate(GenerationRequest request) {
            prompts.add(request.prompt());
            return new Generation(ANSWER, List.of());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new OpenAiServer(tmp, model, OpenAiApi.Limits.DEFAULTS, (g, s) -> {
            if (g == model) decoded.add(s); // the settings the server would hand a T5 model (see T5DecodingTest)
            return g;
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void forget() {
        model.prompts.clear();
        decoded.clear();
    }

    static JsonNode chat(String messages, String extra) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + OpenAiServer.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"ragtune-no-rag\",\"messages\":[" + messages
                        + "]" + extra + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String user(String text) {
        return "{\"role\":\"user\",\"content\":\"" + text + "\"}";
    }

    @Test
    void theModelIsListedWhenLoaded() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                .header("Authorization", "Bearer " + OpenAiServer.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(r.body()).findValuesAsText("id")).contains("ragtune", "ragtune-no-rag");
    }

    @Test
    void earlierTurnsComeBeforeThePromptAndUsageCountsThem() throws Exception {
        JsonNode r = chat("{\"role\":\"system\",\"content\":\"Answer briefly.\"}," + user("Which river?")
                + ",{\"role\":\"assistant\",\"content\":\"The Seine.\"}," + user("Which city lies on it?"), "");

        String prompt = model.prompts.get(0);
        assertThat(prompt).startsWith("system: Answer briefly.\nuser: Which river?\nassistant: The Seine.\n\n")
                .contains("Which city lies on it?");
        assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(model.countTokens(prompt));
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(11);
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(model.countTokens(prompt) + 11);
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
        assertThat(r.get("citations")).isEmpty();
    }

    @Test
    void turnsOverHalfTheBudgetAreLeftOutOldestFirst() throws Exception {
        String old = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                + "seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five"; // 26 with 'user:'
        chat(user(old) + ",{\"role\":\"assistant\",\"content\":\"Counted.\"}," + user("Ready?")
                + ",{\"role\":\"assistant\",\"content\":\"Yes.\"}," + user("Which city?"), "");

        String prompt = model.prompts.get(0);
        // budget 30: 'assistant: Yes.' 2 + 'user: Ready?' 2 + 'assistant: Counted.' 2 fit, the 26-token turn does not (6 + 26 > 30)
        assertThat(prompt).startsWith("assistant: Counted.\nuser: Ready?\nassistant: Yes.\n\n").doesNotContain("twelve");
    }

    @Test
    void maxTokensCutsTheReplyAtWholeWordsAndSaysLength() throws Exception {
        JsonNode r = chat(user("Capital?"), ",\"max_tokens\":3");

        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Paris is the");
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        JsonNode c = chat(user("Capital?"), ",\"max_completion_tokens\":6,\"max_tokens\":2");
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France.");
    }

    @Test
    void aStopSequenceEndsTheReplyBeforeIt() throws Exception {
        JsonNode r = chat(user("Capital?"), ",\"stop\":[\"lies\",\".\"]");

        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France");
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode one = chat(user("Capital?"), ",\"stop\":\"Seine\"");
        assertThat(one.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France. It lies on the ");
    }

    @Test
    void temperatureTopPSeedAndMaxTokensReachTheModelsDecoding() throws Exception {
        chat(user("Capital?"), ",\"temperature\":0.7,\"top_p\":0.9,\"seed\":42,\"max_completion_tokens\":5");
        chat(user("Capital?"), "");

        assertThat(decoded).containsExactly(new OpenAiApi.Sampling(5, 0.7, 0.9, 42L),
                new OpenAiApi.Sampling(null, null, null, null));
    }
}
