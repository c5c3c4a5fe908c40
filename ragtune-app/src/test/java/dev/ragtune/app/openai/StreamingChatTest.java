package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream: true} sends the reply while the model writes it. The model here is a stand-in that writes known
 * pieces (words are its tokens) and can wait after its first piece until the test lets it go on.
 */
class StreamingChatTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PARIS = List.of("Paris is the capi", "tal of Fr", "ance [", "1]. It li", "es on the Se",
            "ine [1", "].");
    @TempDir static Path tmp;
    static OpenAiServer server;
    static final PacedModel model = new PacedModel();
    static final Semaphore workers = new Semaphore(1);
    static final HttpClient http = HttpClient.newHttpClient();

    /** Writes {@link #pieces}; after the first, waits for {@link #gate} (if set) and fails with {@link #failure}. */
    static final class PacedModel implements Generator {
        volatile List<String> pieces = PARIS;
        volatile CountDownLatch gate;
        volatile RuntimeException failure;
        volatile long pauseMillis;
        final AtomicInteger told = new AtomicInteger();
        volatile boolean finished;

        @Override
        public String mode() {
            return "generative";
        }

        @Override
        public String id() {
            return "paced-model";
        }

        @Override
        public int countTokens(String text) {
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Override
        public int maxInputTokens() {
            return 512;
        }

        @Override
        public Generation generate(GenerationRequest request) {
            return new Generation(String.join("", pieces), List.of());
        }

        @Override
        public Generation generate(GenerationRequest request, Consumer<String> onText) {
            for (int i = 0; i < pieces.size(); i++) {
                onText.accept(pieces.get(i));
                told.incrementAndGet();
                if (i == 0 && gate != null) {
                    try {
                        if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("never let go on");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (i == 0 && failure != null) throw failure;
                if (pauseMillis > 0) {
                    try {
                        Thread.sleep(pauseMillis);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            finished = true;
            return new Generation(String.join("", pieces), List.of());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new OpenAiServer(tmp, model, null, OpenAiApi.Limits.DEFAULTS, null, workers);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        model.pieces = PARIS;
        model.gate = null;
        model.failure = null;
        model.pauseMillis = 0;
        model.told.set(0);
        model.finished = false;
    }

    static String body(boolean stream, String extra) {
        return "{\"model\":\"ragtune\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the capital of France?\"}]" + extra + "}";
    }

    static HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + OpenAiServer.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String content(String event) throws Exception {
        return JSON.readTree(event.substring("data: ".length())).at("/choices/0/delta/content").asText("");
    }

    @Test
    void theFirstWordsReachTheClientBeforeTheModelHasFinished() throws Exception {
        model.gate = new CountDownLatch(1);
        HttpResponse<java.util.stream.Stream<String>> r = http.send(post(body(true, "")),
                HttpResponse.BodyHandlers.ofLines());
        Iterator<String> lines = r.body().iterator();
        StringBuilder text = new StringBuilder();
        String line;
        do {
            line = lines.next();
            if (line.startsWith("data: {")) text.append(content(line));
        } while (text.isEmpty());

        assertThat(text.toString()).isEqualTo("Paris ");
        assertThat(model.finished).as("the model is still waiting for the test").isFalse();
        model.gate.countDown(); // only now may the model go on
        while (!(line = lines.next()).equals("data: [DONE]")) {
            if (line.startsWith("data: {")) text.append(content(line));
        }
        assertThat(model.finished).isTrue();
        assertThat(text.toString()).isEqualTo("Paris is the capital of France. It lies on the Seine. [1]");
    }

    @Test
    void theSdksStreamJoinsToTheWholeReplyWithStopAndMaxTokens() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey(OpenAiServer.KEY).build();
        try {
            ChatCompletionCreateParams base = ChatCompletionCreateParams.builder().model("ragtune")
                    .addUserMessage("What is the capital of France?").build();
            List<ChatCompletionCreateParams> asks = List.of(base,
                    base.toBuilder().stop("lies").build(),
                    base.toBuilder().maxCompletionTokens(4).build(),
                    base.toBuilder().stopOfStrings(List.of("Seine", "Rome")).maxCompletionTokens(20).build());
            List<String> expected = List.of("Paris is the capital of France. It lies on the Seine. [1]",
                    "Paris is the capital of France. It ", "Paris is the capital", "Paris is the capital of France. It lies on the ");
            for (int i = 0; i < asks.size(); i++) {
                String whole = client.chat().completions().create(asks.get(i)).choices().get(0).message().content()
                        .orElseThrow();
                StringBuilder joined = new StringBuilder();
                List<String> finish = new ArrayList<>();
                try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(asks.get(i))) {
                    s.stream().forEach(c -> c.choices().forEach(ch -> {
                        ch.delta().content().ifPresent(joined::append);
                        ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                    }));
                }
                assertThat(whole).as("request %d", i).isEqualTo(expected.get(i));
                assertThat(joined.toString()).as("request %d", i).isEqualTo(whole);
                assertThat(finish).as("request %d", i).containsExactly(i == 2 ? "length" : "stop");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void langChain4jsStreamingModelJoinsToTheWholeReplyWithStopAndMaxTokens() throws Exception {
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl())
                .apiKey(OpenAiServer.KEY).modelName("ragtune").stop(List.of("Seine")).maxCompletionTokens(8).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("What is the capital of France?", new StreamingChatResponseHandler() {
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
        JsonNode whole = JSON.readTree(http.send(post(body(false, ",\"stop\":[\"Seine\"],\"max_completion_tokens\":8")),
                HttpResponse.BodyHandlers.ofString()).body());

        // 8 words: "Paris is the capital of France. It lies" (the stop sequence comes later)
        assertThat(whole.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France. It lies");
        assertThat(pieces.toString()).isEqualTo(whole.at("/choices/0/message/content").asText());
        assertThat(complete.aiMessage().text()).isEqualTo(pieces.toString());
    }

    @Test
    void aClientThatGoesAwayStopsTheGenerationAndFreesTheWorker() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) many.add("word" + i + " ");
        model.pieces = many;
        model.gate = new CountDownLatch(1);
        model.pauseMillis = 5;
        byte[] json = body(true, "").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + OpenAiServer.KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"content\":\"word0\"")) {
                // role chunk, headers
            }
            assertThat(line).isNotNull();
        } // closed: the client is gone
        model.gate.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (workers.availablePermits() == 0 && System.nanoTime() < until) Thread.sleep(10);

        assertThat(workers.availablePermits()).as("the worker is free again").isEqualTo(1);
        assertThat(model.finished).as("the generation was stopped").isFalse();
        assertThat(model.told.get()).isLessThan(many.size());
    }

    @Test
    void aFailureAfterTheFirstWordsEndsTheStreamWithAnErrorObjectAndNoDone() throws Exception {
        model.failure = new IllegalStateException("the model ran out of memory");
        HttpResponse<String> r = http.send(post(body(true, "")), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        String[] events = r.body().split("\n\n");
        assertThat(content(events[1])).isEqualTo("Paris ");
        String last = events[events.length - 1];
        JsonNode error = JSON.readTree(last.substring("data: ".length())).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("message").asText()).doesNotContain("out of memory"); // the log has the detail
        assertThat(r.body()).doesNotContain("[DONE]");
        assertThat(workers.availablePermits()).isEqualTo(1);
    }

    @Test
    void aBusyServerAnswers503InOpenAisShapeBeforeAnyStreaming() throws Exception {
        workers.acquire();
        try {
            for (boolean stream : new boolean[] {true, false}) {
                HttpResponse<String> r = http.send(post(body(stream, "")), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).as("stream %s", stream).isEqualTo(503);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                JsonNode error = JSON.readTree(r.body()).get("error");
                assertThat(error.get("type").asText()).isEqualTo("server_error");
                assertThat(error.get("code").asText()).isEqualTo("server_busy");
                assertThat(error.get("message").asText()).contains("busy");
            }
            assertThat(model.told.get()).isZero();
        } finally {
            workers.release();
        }
    }
}
