package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of {@code /v1} over plain HTTP (java.net.http): its status and OpenAI's error shape
 * {@code {"error":{"message","type","param","code"}}}; and the SSE framing of a streamed answer.
 */
class RawHttpErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMBEDDER = OnnxEmbedder.ALL_MINILM_L6_V2;
    @TempDir static Path tmp;
    static OpenAiServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new OpenAiServer(tmp, null, new OpenAiApi.Limits(4096, 4, 200, 3, 100), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return post(path, body, OpenAiServer.KEY);
    }

    static HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The error of {@code r}, after checking its status and that its shape is OpenAI's exactly. */
    static JsonNode error(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.size()).as(r.body()).isEqualTo(1);
        JsonNode e = body.get("error");
        List<String> fields = new ArrayList<>();
        e.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(r.body()).containsExactly("message", "type", "param", "code");
        assertThat(e.get("message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(e.get("type").asText()).isNotBlank();
        return e;
    }

    static String chat(String extra) {
        return "{\"model\":\"ragtune\",\"messages\":[{\"role\":\"user\",\"content\":\"What does LoRA freeze?\"}]"
                + extra + "}";
    }

    @Test
    void withoutTheKeyOrWithAnotherEveryEndpointIs401() throws Exception {
        for (HttpResponse<String> r : List.of(get("/models", null), get("/models", "nope"),
                post("/chat/completions", chat(""), null), post("/embeddings", "{}", "nope"))) {
            JsonNode e = error(r, 401);
            assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(get("/models", OpenAiServer.KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void whatWouldChangeTheMeaningIs400NamingTheParameter() throws Exception {
        String[][] cases = {
                {",\"n\":2", "n"},
                {",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "tools"},
                {",\"tool_choice\":\"required\"", "tool_choice"},
                {",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}", "response_format"},
                {",\"response_format\":{\"type\":\"json_object\"}", "response_format"},
                {",\"logprobs\":true", "logprobs"},
                {",\"logit_bias\":{\"50256\":-100}", "logit_bias"},
                {",\"modalities\":[\"text\",\"audio\"]", "modalities"},
        };
        for (String[] c : cases) {
            JsonNode e = error(post("/chat/completions", chat(c[0])), 400);
            assertThat(e.get("param").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(e.get("code").asText()).as(c[0]).isEqualTo("unsupported_parameter");
        }
    }

    @Test
    void malformedChatsAre400() throws Exception {
        String[][] cases = {
                {"{\"model\":\"ragtune\"}", "messages"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", "model"},
                {"{\"model\":\"ragtune\",\"messages\":\"What?\"}", "messages"},
                {"{\"model\":\"ragtune\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}", "messages"},
                {"{\"model\":\"ragtune\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}", "messages[0].content"},
                {"{\"model\":\"ragtune\",\"messages\":[{\"role\":\"wizard\",\"content\":\"q\"}]}", "messages[0].role"},
                {chat(",\"temperature\":3"), "temperature"},
                {chat(",\"top_p\":0"), "top_p"},
                {chat(",\"max_tokens\":0"), "max_tokens"},
                {chat(",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]"), "stop"},
        };
        for (String[] c : cases) {
            JsonNode e = error(post("/chat/completions", c[0]), 400);
            assertThat(e.get("param").asText()).as(c[0]).isEqualTo(c[1]);
        }
        JsonNode hot = error(post("/chat/completions", chat(",\"temperature\":\"hot\"")), 400);
        assertThat(hot.get("param").asText()).isEqualTo("temperature");
        assertThat(hot.get("message").asText()).isEqualTo("the field 'temperature' must be a number");
        JsonNode array = error(post("/chat/completions", "[1,2]"), 400);
        assertThat(array.get("message").asText()).isEqualTo("the body must be a JSON object");
        JsonNode notJson = error(post("/chat/completions", "{\"model\":"), 400);
        assertThat(notJson.get("message").asText()).startsWith("the body is not valid JSON");
    }

    @Test
    void theBoundsAre413ForTheBodyAnd400ForCounts() throws Exception {
        JsonNode big = error(post("/chat/completions", chat(",\"user\":\"" + "x".repeat(5000) + "\"")), 413);
        assertThat(big.get("code").asText()).isEqualTo("request_too_large");
        assertThat(big.get("message").asText()).contains("4096");

        String longQuestion = "{\"model\":\"ragtune\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "why ".repeat(60) + "\"}]}";
        assertThat(error(post("/chat/completions", longQuestion), 400).get("message").asText()).contains("at most 200");
        String manyTurns = "{\"model\":\"ragtune\",\"messages\":[" + "{\"role\":\"user\",\"content\":\"q\"},".repeat(4)
                + "{\"role\":\"user\",\"content\":\"q\"}]}";
        assertThat(error(post("/chat/completions", manyTurns), 400).get("message").asText()).contains("at most 4");
        String fourTexts = "{\"model\":\"" + EMBEDDER + "\",\"input\":[\"a\",\"b\",\"c\",\"d\"]}";
        assertThat(error(post("/embeddings", fourTexts), 400).get("message").asText()).contains("at most 3");
        String longText = "{\"model\":\"" + EMBEDDER + "\",\"input\":\"" + "y".repeat(101) + "\"}";
        assertThat(error(post("/embeddings", longText), 400).get("param").asText()).isEqualTo("input");
    }

    @Test
    void unknownV1PathsAre404InOpenAisShape() throws Exception {
        for (HttpResponse<String> r : List.of(post("/completions", chat("")), post("/responses", "{}"),
                get("/chat/completions", OpenAiServer.KEY))) {
            JsonNode e = error(r, 404);
            assertThat(e.get("code").asText()).isEqualTo("unknown_url");
            assertThat(e.get("message").asText()).startsWith("no such endpoint: ").contains("/v1/chat/completions");
        }
    }

    @Test
    void unknownModelsAre404() throws Exception {
        for (HttpResponse<String> r : List.of(
                post("/chat/completions", chat("").replace("\"ragtune\"", "\"gpt-4o\"")),
                post("/chat/completions", chat("").replace("\"ragtune\"", "\"ragtune-no-rag\"")), // no generative model
                post("/chat/completions", chat("").replace("\"ragtune\"", "\"" + EMBEDDER + "\"")),
                post("/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}"),
                get("/models/gpt-4o", OpenAiServer.KEY))) {
            JsonNode e = error(r, 404);
            assertThat(e.get("code").asText()).isEqualTo("model_not_found");
            assertThat(e.get("param").asText()).isEqualTo("model");
        }
    }

    @Test
    void badEmbeddingRequestsAre400() throws Exception {
        String[][] cases = {
                {"{\"model\":\"" + EMBEDDER + "\",\"input\":[1,2,3]}", "input"},
                {"{\"model\":\"" + EMBEDDER + "\",\"input\":[]}", "input"},
                {"{\"model\":\"" + EMBEDDER + "\",\"input\":\"\"}", "input"},
                {"{\"model\":\"" + EMBEDDER + "\"}", "input"},
                {"{\"model\":\"" + EMBEDDER + "\",\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format"},
                {"{\"model\":\"" + EMBEDDER + "\",\"input\":\"x\",\"dimensions\":128}", "dimensions"},
                {"{\"input\":\"x\"}", "model"},
        };
        for (String[] c : cases) {
            assertThat(error(post("/embeddings", c[0]), 400).get("param").asText()).as(c[0]).isEqualTo(c[1]);
        }
        // the short name of the embedder is accepted too
        assertThat(post("/embeddings", "{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aStreamIsDataEventsEndingInDoneWithCitationsOnTheLastChunk() throws Exception {
        HttpResponse<String> r = post("/chat/completions", chat(",\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).startsWith("data: {").endsWith("data: [DONE]\n\n");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : r.body().split("\n\n")) {
            assertThat(event).startsWith("data: ");
            if (!event.equals("data: [DONE]")) chunks.add(JSON.readTree(event.substring(6)));
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("usage").isNull()).as("no usage unless asked").isTrue();
            text.append(c.at("/choices/0/delta/content").asText(""));
        }
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(last.at("/citations/0/chunk_id").asText()).isEqualTo("lora.md#0");
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.has("citations")).isFalse());
        assertThat(text.toString()).contains("LoRA freezes the pretrained weights").endsWith("[1]");
    }
}
