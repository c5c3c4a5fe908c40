package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security defaults over HTTP: bearer token, cross-origin uploads, DNS rebinding, and the headers of every answer. */
class SecurityTest {
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static WebServer server;
    static Http anonymous;
    static Http authorized;

    @BeforeAll
    static void start() {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        server = new WebServer(tmp.resolve("col").toString(), embedder, null, new ExtractiveGenerator(embedder, null),
                null, ServeSettings.local(tmp.resolve("uploads")).withToken("s3cret-token")).start();
        anonymous = new Http(server.port());
        authorized = new Http(server.port(), Map.of("Authorization", "Bearer s3cret-token"));
    }

    @AfterAll
    static void stop() {
        server.close();
        embedder.close();
    }

    @Test
    void everyApiCallNeedsTheTokenButThePageAndTheDescriptionDoNot() {
        for (String path : new String[] {"/api/health", "/api/documents", "/api/search?q=x", "/api/jobs/x"}) {
            assertThat(anonymous.get(path).error(401).get("error").asText()).as(path).isEqualTo("unauthorized");
        }
        anonymous.ask("{\"question\":\"x\"}").error(401);
        new Http(server.port(), Map.of("Authorization", "Bearer nope")).get("/api/health").error(401);
        assertThat(authorized.get("/api/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        assertThat(anonymous.get("/openapi.json").status()).isEqualTo(200);
        assertThat(anonymous.get("/openapi.json").json().get("components").get("securitySchemes").has("bearer")).isTrue();
    }

    @Test
    void aCrossOriginUploadIsRefusedAndLeavesNothing() throws Exception {
        Http.Response r = authorized.upload("evil.md", "# pwned\n\ntext".getBytes(), Map.of("Origin", "http://evil.example"));
        assertThat(r.error(403).get("message").asText()).contains("evil.example");
        Http.Response s = authorized.upload("evil.md", "# pwned\n\ntext".getBytes(), Map.of("Sec-Fetch-Site", "cross-site"));
        s.error(403);
        Http.Response del = authorized.send("DELETE", "/api/documents/abc", Map.of("Origin", "http://evil.example"), null);
        del.error(403);
        assertThat(authorized.get("/api/documents").json()).isEmpty();
        assertThat(Files.exists(tmp.resolve("uploads").resolve("evil.md"))).isFalse();
        Http.Response own = authorized.upload("own.md", "# own\n\nmine".getBytes(),
                Map.of("Origin", "http://127.0.0.1:" + server.port(), "Sec-Fetch-Site", "same-origin"));
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        authorized.awaitJob(own.json().get("id").asText());
    }

    @Test
    void aForeignHostNameIsRefused() {
        // java.net.http does not let a caller set Host, so the rebinding case is sent as a raw request
        String response = RawHttp.get(server.port(), "/api/health", "attacker.example:" + server.port(),
                "Authorization: Bearer s3cret-token");
        assertThat(response).startsWith("HTTP/1.1 403").contains("\"error\":\"forbidden\"").contains("attacker.example");
        assertThat(RawHttp.get(server.port(), "/", "rebind.attacker.example", "")).startsWith("HTTP/1.1 403");
        assertThat(RawHttp.get(server.port(), "/", "localhost:" + server.port(), "")).startsWith("HTTP/1.1 200");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (Http.Response r : new Http.Response[] {anonymous.get("/"), anonymous.get("/api/health"),
                authorized.get("/api/nothing")}) {
            String csp = r.raw().headers().firstValue("content-security-policy").orElse("");
            assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(r.raw().headers().firstValue("x-content-type-options").orElse("")).isEqualTo("nosniff");
            assertThat(r.raw().headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }

    @Test
    void anUploadLargerThanAJsonBodyPassesWhileAHugeJsonBodyIsA413() {
        byte[] big = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        Http.Response up = authorized.upload("big.pdf", big, Map.of());
        assertThat(up.status()).as(up.body()).isEqualTo(202);
        assertThat(authorized.awaitJob(up.json().get("id").asText()).get("state").asText()).isEqualTo("failed");
        assertThat(Files.exists(tmp.resolve("uploads").resolve("big.pdf"))).as("a file that failed is not kept").isFalse();
        String question = "a".repeat(2 * 1024 * 1024);
        assertThat(authorized.ask("{\"question\":\"" + question + "\"}").error(413).get("error").asText())
                .isEqualTo("payload_too_large");
    }
}
