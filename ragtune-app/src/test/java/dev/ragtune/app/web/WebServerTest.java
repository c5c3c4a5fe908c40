package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web API on loopback: upload, list, ask, and clear errors. */
class WebServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static WebServer server;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        server = new WebServer(tmp.resolve("col"), embedder, null, new ExtractiveGenerator(embedder, null), null)
                .start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        embedder.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse<String> upload(String name, String content) throws IOException, InterruptedException {
        String boundary = "----ragtune-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri("/api/documents"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> ask(String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri("/api/ask")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUploadedDocumentIsListedAndAnswersTheNextQuestionWithItsCitation() throws Exception {
        HttpResponse<String> up = upload("dropout.md", "# Dropout\n\nDropout desliga neurônios ao acaso durante o treino, o que reduz o overfitting.\n");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(JSON.readTree(up.body()).get("chunks_added").asInt()).isEqualTo(1);

        JsonNode docs = JSON.readTree(http.send(HttpRequest.newBuilder(uri("/api/documents")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(docs).anySatisfy(d -> assertThat(d.get("source").asText()).endsWith("uploads/dropout.md"));

        HttpResponse<String> r = ask("{\"question\":\"O que o dropout faz durante o treino?\",\"k\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = JSON.readTree(r.body());
        assertThat(a.get("mode").asText()).isEqualTo("extractive");
        assertThat(a.get("answer").asText()).contains("Dropout desliga neurônios");
        assertThat(a.get("citations").get(0).get("chunk_id").asText()).isEqualTo("dropout.md#0");
        assertThat(a.get("timings_ms").get("total").asDouble()).isPositive();
    }

    @Test
    void thePageIsServedAndCallsTheApi() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>ragtune").contains("/api/ask").contains("/api/documents");
    }

    @Test
    void badRequestsGetA400WithAClearMessage() throws Exception {
        HttpResponse<String> exe = upload("virus.exe", "MZ");
        assertThat(exe.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(exe.body()).get("error").asText()).contains("unsupported file type");

        HttpResponse<String> empty = ask("{\"question\":\"  \"}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).get("error").asText()).contains("question is empty");

        HttpResponse<String> noRag = ask("{\"question\":\"x\",\"no_rag\":true}");
        assertThat(noRag.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noRag.body()).get("error").asText()).contains("--model");

        HttpResponse<String> mode = ask("{\"question\":\"x\",\"mode\":\"fuzzy\"}");
        assertThat(mode.statusCode()).isEqualTo(400);
    }
}
