package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.web.ServeSettings;
import dev.ragtune.app.web.WebServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragtune serve}'s server answers {@code /v1} beside its own API. */
class ServeRegistersV1Test {
    @TempDir Path tmp;

    @Test
    void theWebServerListsTheOpenAiModels() throws Exception {
        try (OnnxEmbedder embedder = OnnxEmbedder.allMiniLmL6V2();
             WebServer server = new WebServer(tmp.resolve("col").toString(), embedder, null,
                     new ExtractiveGenerator(embedder, null), null,
                     ServeSettings.local(tmp.resolve("col").resolve("uploads"))).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).findValuesAsText("id"))
                    .containsExactly("ragtune", OnnxEmbedder.ALL_MINILM_L6_V2);
        }
    }
}
