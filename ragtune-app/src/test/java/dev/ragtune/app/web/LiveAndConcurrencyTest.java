package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.app.Main;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The server follows the collection written by other processes, answers questions in parallel on a bounded pool, and
 * keeps answering while an ingestion runs.
 */
class LiveAndConcurrencyTest {
    @TempDir static Path tmp;
    static OnnxEmbedder onnx;

    @BeforeAll
    static void load() {
        onnx = OnnxEmbedder.allMiniLmL6V2();
    }

    @AfterAll
    static void unload() {
        onnx.close();
    }

    static int cli(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isZero();
        return code;
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError(what + " did not happen within 15 s");
    }

    static boolean cites(Http http, String file) {
        JsonNode hits = http.get("/api/search?q=quokka%20marsupial&mode=bm25&k=5").json().get("hits");
        for (JsonNode h : hits) if (h.get("source").asText().endsWith(file)) return true;
        return false;
    }

    @Test
    void anIngestAndARemovalByAnotherProcessShowWithoutARestart() throws Exception {
        Path col = tmp.resolve("live");
        Path doc = tmp.resolve("quokka.md");
        Files.writeString(doc, "# Quokka\n\nThe quokka is a small marsupial of Rottnest Island.\n");
        ServeSettings s = ServeSettings.local(col.resolve("uploads"));
        s = new ServeSettings(s.host(), 0, null, s.allowHosts(), s.limits(), 2, 200, s.uploads());
        try (WebServer server = new WebServer(col.toString(), onnx, null, new ExtractiveGenerator(onnx, null), null, s).start()) {
            Http http = new Http(server.port());
            assertThat(cites(http, "quokka.md")).isFalse();
            cli("ingest", "--collection", col.toString(), doc.toString());
            eventually("the CLI's ingest to show", () -> cites(http, "quokka.md"));
            cli("rm", "--collection", col.toString(), doc.toString());
            eventually("the CLI's rm to show", () -> !cites(http, "quokka.md"));
            assertThat(http.get("/api/documents").json()).isEmpty();
        }
    }

    /** Meets a partner request inside generation (so two must run at once) and counts how many ever overlap. */
    static final class Rendezvous implements Generator {
        final CyclicBarrier pair = new CyclicBarrier(2);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        @Override
        public String mode() {
            return "extractive";
        }

        @Override
        public String id() {
            return "rendezvous";
        }

        @Override
        public int countTokens(String text) {
            return text.split("\\s+").length;
        }

        @Override
        public int maxInputTokens() {
            return 512;
        }

        @Override
        public Generation generate(GenerationRequest request) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                pair.await(30, TimeUnit.SECONDS);
                Thread.sleep(20);
                return new Generation("met", List.of());
            } catch (Exception e) {
                throw new IllegalStateException("no partner request ran at the same time", e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Test
    void questionsRunInParallelUpToTheNumberOfWorkers() throws Exception {
        Path col = tmp.resolve("parallel");
        Rendezvous gen = new Rendezvous();
        ServeSettings s = ServeSettings.local(col.resolve("uploads")).withWorkers(2);
        try (WebServer server = new WebServer(col.toString(), onnx, null, gen, null, s).start()) {
            Http http = new Http(server.port());
            http.ingest("a.md", "# A\n\nAlpha beta gamma delta.\n");
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(clients.submit(() -> http.ask("{\"question\":\"alpha beta\",\"mode\":\"bm25\",\"k\":1}")));
                }
                for (Future<Http.Response> f : answers) {
                    Http.Response r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    assertThat(r.json().get("answer").asText()).isEqualTo("met");
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(gen.most.get()).as("at most --workers questions at once").isEqualTo(2);
        }
    }

    /** Blocks the embedding of any batch holding the marker until released (an ingestion caught mid-way). */
    static final class Gate implements Embedder {
        final Embedder inner;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Gate(Embedder inner) {
            this.inner = inner;
        }

        @Override
        public float[][] embed(List<String> texts) {
            if (texts.stream().anyMatch(t -> t.contains("SLOWMARKER"))) {
                entered.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return inner.embed(texts);
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public int maxTokens() {
            return inner.maxTokens();
        }

        @Override
        public int count(String text) {
            return inner.count(text);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void questionsAreAnsweredWhileAnIngestionIsRunning() throws Exception {
        Path col = tmp.resolve("busy");
        Gate gate = new Gate(onnx);
        ServeSettings s = ServeSettings.local(col.resolve("uploads"));
        try (WebServer server = new WebServer(col.toString(), gate, null, new ExtractiveGenerator(gate, null), null, s).start()) {
            Http http = new Http(server.port());
            http.ingest("first.md", "# First\n\nThe kookaburra laughs in the morning.\n");
            Http.Response up = http.upload("slow.md", "# Slow\n\nSLOWMARKER this file is being embedded slowly.\n");
            assertThat(up.status()).isEqualTo(202);
            String job = up.json().get("id").asText();
            assertThat(gate.entered.await(60, TimeUnit.SECONDS)).isTrue();
            try {
                assertThat(http.get("/api/jobs/" + job).json().get("state").asText()).isEqualTo("running");
                Http.Response a = http.ask("{\"question\":\"What laughs in the morning?\",\"k\":1}");
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.json().get("answer").asText()).contains("kookaburra");
                assertThat(http.get("/api/search?q=kookaburra&k=1").status()).isEqualTo(200);
                assertThat(http.get("/api/documents").json()).hasSize(1);
            } finally {
                gate.release.countDown();
            }
            assertThat(http.awaitJob(job).get("state").asText()).isEqualTo("done");
            assertThat(http.get("/api/documents").json()).hasSize(2);
        }
    }
}
