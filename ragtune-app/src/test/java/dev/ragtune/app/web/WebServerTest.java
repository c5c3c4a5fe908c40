package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.app.api.Limits;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API on loopback: the document life cycle, search, streaming, limits and the one error shape. */
class WebServerTest {
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static WebServer server;
    static Http http;

    @BeforeAll
    static void start() {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        Limits small = new Limits(50, 200, 2_000, 64 * 1024);
        server = new WebServer(tmp.resolve("col").toString(), embedder, null, new ExtractiveGenerator(embedder, null),
                null, ServeSettings.local(tmp.resolve("col").resolve("uploads")).withLimits(small)).start();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        embedder.close();
    }

    static List<String> uploadsOnDisk() throws IOException {
        Path up = tmp.resolve("col").resolve("uploads");
        if (!Files.exists(up)) return List.of();
        try (Stream<Path> s = Files.walk(up)) {
            return s.filter(Files::isRegularFile).map(p -> up.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void anUploadBecomesAJobWhoseDocumentIsListedCitedServedAndDeleted() throws IOException {
        Http.Response up = http.upload("dropout.md",
                "# Dropout\n\nDropout desliga neurônios ao acaso durante o treino, o que reduz o overfitting.\n");
        assertThat(up.status()).as(up.body()).isEqualTo(202);
        assertThat(up.raw().headers().firstValue("location").orElse("")).isEqualTo("/api/jobs/" + up.json().get("id").asText());
        JsonNode job = http.awaitJob(up.json().get("id").asText());
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
        assertThat(job.get("files_done").asInt()).isEqualTo(1);
        assertThat(job.get("chunks").asLong()).isEqualTo(1);
        assertThat(job.get("report").get("chunks_added").asInt()).isEqualTo(1);

        JsonNode doc = null;
        for (JsonNode d : http.get("/api/documents").json()) if (d.get("name").asText().equals("dropout.md")) doc = d;
        assertThat(doc).isNotNull();
        assertThat(doc.get("chunks").asInt()).isEqualTo(1);

        Http.Response r = http.ask("{\"question\":\"O que o dropout faz durante o treino?\",\"k\":1}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode a = r.json();
        assertThat(a.get("mode").asText()).isEqualTo("extractive");
        assertThat(a.get("answer").asText()).contains("Dropout desliga neurônios");
        assertThat(a.get("citations").get(0).get("chunk_id").asText()).isEqualTo("dropout.md#0");
        assertThat(a.get("timings_ms").get("total").asDouble()).isPositive();

        Http.Response file = http.get(doc.get("url").asText());
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).contains("Dropout desliga neurônios");

        Http.Response del = http.delete("/api/documents/" + doc.get("id").asText());
        assertThat(del.status()).as(del.body()).isEqualTo(200);
        assertThat(http.get("/api/documents").json()).noneSatisfy(d -> assertThat(d.get("name").asText()).isEqualTo("dropout.md"));
        assertThat(uploadsOnDisk()).doesNotContain("dropout.md");
        http.delete("/api/documents/" + doc.get("id").asText()).error(404);
    }

    @Test
    void reUploadingAFileReplacesItInsteadOfDuplicatingIt() {
        http.ingest("dup.md", "# Dup\n\nThe first version talks about apples.\n");
        JsonNode second = http.ingest("dup.md", "# Dup\n\nThe second version talks about pears.\n");
        assertThat(second.get("report").get("chunks_replaced").asInt()).isEqualTo(1);
        long copies = 0;
        for (JsonNode d : http.get("/api/documents").json()) if (d.get("name").asText().equals("dup.md")) copies++;
        assertThat(copies).isEqualTo(1);
        JsonNode hits = http.get("/api/search?q=apples&mode=bm25&k=5&source=dup.md").json().get("hits");
        for (JsonNode h : hits) assertThat(h.get("text").asText()).doesNotContain("apples");
    }

    @Test
    void searchAnswersTheHitsOfTheSharedRecord() {
        http.ingest("lora.md", "# LoRA\n\nLoRA freezes the pretrained weights and trains low-rank matrices.\n");
        Http.Response r = http.get("/api/search?q=" + "low-rank%20matrices" + "&k=3&mode=bm25");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("mode").asText()).isEqualTo("bm25");
        assertThat(j.get("hits").get(0).get("chunk_id").asText()).isEqualTo("lora.md#0");
        List<String> keys = new ArrayList<>();
        j.get("hits").get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("rank", "chunk_id", "doc_id", "source", "page", "score", "text");
    }

    @Test
    void theStreamedAnswerSendsThePassagesThenTheTextThenTheWholeAnswer() {
        http.ingest("bn.md", "# Batch norm\n\nBatch normalization normalizes the activations of each mini-batch.\n");
        Http.Response r = http.send("POST", "/api/ask/stream", Map.of("Content-Type", "application/json"),
                java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"question\":\"What does batch normalization normalize?\",\"k\":1,\"mode\":\"bm25\"}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        JsonNode answer = null;
        for (String block : r.body().split("\n\n")) {
            String name = block.lines().filter(l -> l.startsWith("event: ")).findFirst().orElseThrow().substring(7);
            events.add(name);
            if (name.equals("answer")) {
                try {
                    answer = Http.JSON.readTree(block.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(events).containsExactly("retrieved", "token", "answer");
        assertThat(answer.get("answer").asText()).contains("normalizes the activations");
        assertThat(answer.get("citations").get(0).get("chunk_id").asText()).isEqualTo("bn.md#0");
    }

    @Test
    void boundsAreEnforcedWithA400NamingTheField() {
        assertThat(http.ask("{\"question\":\"x\",\"k\":51}").error(400).get("message").asText()).contains("k must be between 1 and 50");
        assertThat(http.ask("{\"question\":\"x\",\"k\":250000000}").error(400).get("message").asText()).contains("k must be");
        assertThat(http.ask("{\"question\":\"x\",\"candidates\":201}").error(400).get("message").asText()).contains("candidates");
        assertThat(http.ask("{\"question\":\"" + "a".repeat(2001) + "\"}").error(400).get("message").asText()).contains("2001 characters");
        assertThat(http.get("/api/search?q=x&k=2147483647").error(400).get("message").asText()).contains("k must be");
        assertThat(http.get("/api/search?q=x&k=abc").error(400).get("message").asText()).contains("whole number");
        assertThat(http.get("/api/search?q=" + "a".repeat(2001)).error(400).get("message").asText()).contains("characters");
        assertThat(http.ask("{\"question\":\"  \"}").error(400).get("message").asText()).contains("question is empty");
        assertThat(http.ask("{\"question\":\"x\",\"no_rag\":true}").error(400).get("message").asText()).contains("--model");
        http.ask("{\"question\":\"x\",\"mode\":\"fuzzy\"}").error(400);
    }

    @Test
    void malformedJsonIsA400WithoutParserClassNames() {
        for (String bad : List.of("{\"question\":", "not json", "{\"question\":\"x\"} trailing", "[1,2]",
                "{\"question\":{\"a\":1}}", "{\"question\":\"x\",\"k\":\"many\"}")) {
            String msg = http.ask(bad).error(400).get("message").asText();
            assertThat(msg).as(bad).doesNotContain("com.fasterxml").doesNotContain("dev.ragtune").doesNotContain("Exception");
        }
        assertThat(http.ask("{\"question\":\"x\",\"kk\":3}").error(400).get("message").asText()).contains("unknown field 'kk'");
        http.ask("").error(400);
    }

    @Test
    void refusedUploadsLeaveNothingOnDisk() throws IOException {
        List<String> before = uploadsOnDisk();
        assertThat(http.upload("virus.exe", "MZ").error(400).get("message").asText()).contains("unsupported file type");
        assertThat(http.upload("/", "x").error(400).get("message").asText()).contains("bad file name");
        assertThat(http.upload("../../escape.md", "# x").status()).isEqualTo(202); // stored by its last segment only
        assertThat(http.upload(".hidden.md", "x").error(400).get("message").asText()).contains("bad file name");
        byte[] big = new byte[70 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        JsonNode tooBig = http.upload("big.txt", big, Map.of()).error(413);
        assertThat(tooBig.get("error").asText()).isEqualTo("payload_too_large");
        assertThat(tooBig.get("message").asText()).contains("65536 bytes");
        JsonNode corrupt = http.awaitJob(http.upload("broken.pdf", "%PDF-1.4 not really a pdf").json().get("id").asText());
        assertThat(corrupt.get("state").asText()).isEqualTo("failed");
        assertThat(corrupt.get("problems").get(0).asText()).startsWith("broken.pdf: ");
        List<String> after = new ArrayList<>(uploadsOnDisk());
        after.removeIf(n -> n.equals("escape.md"));
        assertThat(after).isEqualTo(before.stream().filter(n -> !n.equals("escape.md")).toList());
        assertThat(Files.exists(tmp.resolve("escape.md"))).isFalse();
        assertThat(http.send("POST", "/api/documents", Map.of("Content-Type", "multipart/form-data; boundary=xyz"),
                java.net.http.HttpRequest.BodyPublishers.ofString("this is not multipart")).error(400)
                .get("message").asText()).contains("multipart");
        assertThat(http.send("POST", "/api/documents", Map.of("Content-Type", "application/json"),
                java.net.http.HttpRequest.BodyPublishers.ofString("{}")).error(400).get("message").asText())
                .contains("multipart/form-data");
    }

    @Test
    void unknownRoutesJobsAndDocumentsAre404sInTheSameShape() {
        assertThat(http.get("/api/nothing").error(404).get("message").asText()).contains("/openapi.json");
        http.get("/api/jobs/no-such-job").error(404);
        http.delete("/api/documents/0000000000000000").error(404);
        http.get("/api/documents/0000000000000000/file").error(404);
    }

    @Test
    void healthSaysWhatIsServedAndTheLimits() {
        JsonNode h = http.get("/api/health").json();
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("no_rag").asBoolean()).isFalse();
        assertThat(h.get("auth").asBoolean()).isFalse();
        assertThat(h.get("limits").get("max_k").asInt()).isEqualTo(50);
        assertThat(h.get("limits").get("max_upload_bytes").asLong()).isEqualTo(64 * 1024);
    }

    @Test
    void thePageAndItsAssetsAreServedWithoutInlineScript() {
        Http.Response page = http.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>ragtune").contains("<script src=\"/app.js\"");
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain("<style").doesNotContain(" style=");
        assertThat(http.get("/app.js").body()).contains("/api/ask/stream").contains("/api/documents").contains("/api/jobs/");
        assertThat(http.get("/app.css").raw().headers().firstValue("content-type").orElse("")).startsWith("text/css");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteWithTheRecordsTheServerWrites() throws IOException {
        Http.Response r = http.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode api = r.json();
        assertThat(api.get("openapi").asText()).startsWith("3.");
        JsonNode paths = api.get("paths");
        assertThat(paths.has("/api/ask")).isTrue();
        assertThat(paths.get("/api/ask").has("post")).isTrue();
        assertThat(paths.get("/api/ask/stream").get("post").get("responses").get("200").get("content").has("text/event-stream")).isTrue();
        assertThat(paths.get("/api/search").get("get").get("parameters").findValuesAsText("name")).contains("q", "k", "mode");
        assertThat(paths.get("/api/documents").has("get")).isTrue();
        assertThat(paths.get("/api/documents").get("post").get("responses").has("202")).isTrue();
        assertThat(paths.get("/api/documents").get("post").get("responses").has("413")).isTrue();
        assertThat(paths.get("/api/documents/{id}").has("delete")).isTrue();
        assertThat(paths.get("/api/jobs/{id}").has("get")).isTrue();
        assertThat(paths.get("/api/health").has("get")).isTrue();
        // the schema's property names are exactly the keys the server writes
        http.ingest("schema.md", "# Schema\n\nThe schema test document mentions gradient clipping.\n");
        JsonNode answer = http.ask("{\"question\":\"gradient clipping\",\"k\":1}").json();
        JsonNode schemas = api.get("components").get("schemas");
        assertThat(names(schemas.get("AnswerBody").get("properties").fieldNames())).containsExactlyInAnyOrderElementsOf(names(answer.fieldNames()));
        assertThat(names(schemas.get("ErrorBody").get("properties").fieldNames())).containsExactlyInAnyOrder("error", "message");
        JsonNode job = http.upload("schema2.md", "# x\n\ny\n").json();
        assertThat(names(schemas.get("JobStatus").get("properties").fieldNames())).containsAll(names(job.fieldNames()));
    }

    static List<String> names(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void aJsonBodyIsUtf8() {
        http.ingest("acentos.md", "# Acentuação\n\nA regularização penaliza pesos grandes, diz a aula.\n");
        String body = http.ask("{\"question\":\"O que a regularização penaliza?\",\"k\":1,\"mode\":\"bm25\"}").body();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(body.length());
        assertThat(body).contains("regularização");
    }
}
