package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.app.cli.GeneratorOptions;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A generative model's answer streams token by token, and the pieces add up to the answer it gives unstreamed. */
class StreamedAnswerTest {
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static Generator model;

    @BeforeAll
    static void load() throws URISyntaxException {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        GeneratorOptions options = new GeneratorOptions();
        String dir = Path.of(StreamedAnswerTest.class.getResource("/t5-tiny-with-tokenizer").toURI()).toString();
        new CommandLine(options).parseArgs("--model", dir, "--max-new-tokens", "12");
        model = options.open();
    }

    @AfterAll
    static void close() {
        model.close();
        embedder.close();
    }

    @Test
    void theStreamedPiecesOfAGreedyAnswerAreTheUnstreamedAnswer() {
        // the tiny random model writes "T time N N …" for this prompt (and nothing for most others)
        GenerationRequest r = new GenerationRequest("q", "the the the", List.of());
        List<String> pieces = new ArrayList<>();
        String streamed = model.generate(r, pieces::add).text();
        assertThat(streamed).isEqualTo(model.generate(r).text());
        assertThat(String.join("", pieces)).isEqualTo(streamed);
        assertThat(pieces.size()).as("one piece per token, not the whole text at once: " + pieces).isGreaterThan(1);
    }

    /** A model stand-in that writes its answer word by word, citing the first context. */
    record WordByWord() implements Generator {
        public String mode() {
            return "generative";
        }

        public String id() {
            return "word-by-word";
        }

        public int countTokens(String text) {
            return text.split("\\s+").length;
        }

        public int maxInputTokens() {
            return 512;
        }

        public Generation generate(GenerationRequest r) {
            return generate(r, piece -> { });
        }

        @Override
        public Generation generate(GenerationRequest r, java.util.function.Consumer<String> onText) {
            String text = r.contexts().isEmpty() ? "I do not know." : "Because of Rayleigh scattering [1]";
            for (String piece : text.split("(?<= )")) onText.accept(piece);
            return new Generation(text, List.of());
        }
    }

    @Test
    void theSseVariantSendsTheAnswersTextAsItIsWrittenWithoutMarkersAndEndsWithTheAnswer() throws IOException {
        Generator words = new WordByWord();
        try (WebServer server = new WebServer(tmp.resolve("col").toString(), embedder, null, words, words,
                ServeSettings.local(tmp.resolve("col").resolve("uploads"))).start()) {
            Http http = new Http(server.port());
            http.ingest("sky.md", "# Sky\n\nThe sky is blue on a clear day because of Rayleigh scattering.\n");
            Http.Response r = http.send("POST", "/api/ask/stream", Map.of("Content-Type", "application/json"),
                    HttpRequest.BodyPublishers.ofString("{\"question\":\"Why is the sky blue?\",\"k\":1}"));
            assertThat(r.status()).isEqualTo(200);
            List<String> names = new ArrayList<>();
            List<String> pieces = new ArrayList<>();
            JsonNode answer = null;
            for (String block : r.body().split("\n\n")) {
                String name = block.lines().filter(l -> l.startsWith("event: ")).findFirst().orElseThrow().substring(7);
                JsonNode data = Http.JSON.readTree(block.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6));
                names.add(name);
                if (name.equals("token")) pieces.add(data.get("text").asText());
                if (name.equals("answer")) answer = data;
            }
            assertThat(names).containsExactly("retrieved", "token", "token", "token", "token", "answer");
            // each word once the next piece shows it is not followed by punctuation; the [1] marker never
            assertThat(pieces).containsExactly("Because", " of", " Rayleigh", " scattering");
            assertThat(answer.get("mode").asText()).isEqualTo("generative");
            assertThat(answer.get("answer").asText()).isEqualTo("Because of Rayleigh scattering");
            assertThat(String.join("", pieces)).isEqualTo(answer.get("answer").asText());
            assertThat(answer.get("citations").get(0).get("chunk_id").asText()).isEqualTo("sky.md#0");
        }
    }
}
