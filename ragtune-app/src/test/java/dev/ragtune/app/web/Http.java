package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A test client of one server: JSON calls, multipart uploads, waiting for jobs; every error body is checked for its shape. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final Map<String, String> headers;

    Http(int port, Map<String, String> headers) {
        this.base = "http://127.0.0.1:" + port;
        this.headers = headers;
    }

    Http(int port) {
        this(port, Map.of());
    }

    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        /** The one error shape: {error, message}, both non-empty strings. */
        JsonNode error(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            assertThat(raw.headers().firstValue("content-type").orElse("")).startsWith("application/json");
            JsonNode j = json();
            assertThat(j.size()).as(body).isEqualTo(2);
            assertThat(j.path("error").asText()).as(body).isNotBlank();
            assertThat(j.path("message").asText()).as(body).isNotBlank();
            return j;
        }
    }

    Response send(String method, String path, Map<String, String> extra, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        headers.forEach(b::header);
        extra.forEach(b::header);
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(String path) {
        return send("GET", path, Map.of(), null);
    }

    Response delete(String path) {
        return send("DELETE", path, Map.of(), null);
    }

    Response postJson(String path, String json) {
        return send("POST", path, Map.of("Content-Type", "application/json"), HttpRequest.BodyPublishers.ofString(json));
    }

    Response ask(String json) {
        return postJson("/api/ask", json);
    }

    /** A multipart upload of one file. */
    Response upload(String name, byte[] content, Map<String, String> extra) {
        String boundary = "----ragtune-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Map<String, String> h = new java.util.HashMap<>(extra);
        h.put("Content-Type", "multipart/form-data; boundary=" + boundary);
        return send("POST", "/api/documents", h, HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    Response upload(String name, String content) {
        return upload(name, content.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Polls a job until it is finished and returns its last status. */
    JsonNode awaitJob(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode j = get("/api/jobs/" + id).json();
            String state = j.path("state").asText();
            if (state.equals("done") || state.equals("failed")) return j;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("job " + id + " did not finish in 120 s");
    }

    /** Uploads and waits for the ingestion; returns the finished job. */
    JsonNode ingest(String name, String content) {
        Response up = upload(name, content);
        assertThat(up.status()).as(up.body()).isEqualTo(202);
        return awaitJob(up.json().get("id").asText());
    }
}
