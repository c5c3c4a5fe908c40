package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.app.cli.Progress;
import dev.ragtune.app.web.ServeSettings;
import dev.ragtune.app.web.WebServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the OpenAI-compatible {@code /v1} costs over ragtune's own paths, measured side by side in one run with the
 * order alternated each round: {@code POST /v1/embeddings} (float and base64) against in-process embedding of the
 * same batch, and {@code POST /v1/chat/completions} against {@code POST /api/ask} for the same question. Quality
 * beside speed: the largest difference of a vector sent over HTTP from the in-process one, and how many chat answers
 * equal {@code /api/ask}'s (markers removed).
 */
@Command(name = "openai", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Overhead of /v1/embeddings (batch 32) over in-process embedding and of /v1/chat/completions "
                + "over /api/ask (p50), on one server, interleaved.")
public final class OpenAiBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "An ingested collection folder.")
    Path collection;

    @Option(names = "--questions", required = true,
            description = "JSONL with a \"question\", \"query\" or \"text\" field per line.")
    Path questions;

    @Option(names = "-n", defaultValue = "100", description = "Questions to ask through each endpoint.")
    int n;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per embeddings request.")
    int batch;

    @Option(names = "--rounds", defaultValue = "40", description = "Embedding batches per side.")
    int rounds;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @Override
    public Integer call() throws Exception {
        if (!Corpora.exists(collection.toString())) {
            throw new IllegalArgumentException(collection + " is not a collection: ingest documents into it first");
        }
        if (n < 1 || batch < 1 || rounds < 1) throw new IllegalArgumentException("-n, --batch and --rounds must be >= 1");
        List<String> qs = AskBench.readQuestions(questions, n);
        System.out.printf(Locale.ROOT, "openai bench: %d questions, %d batches of %d, collection %s%n", qs.size(),
                rounds, batch, collection);
        System.out.println("load before: " + Machine.loadavg());
        try (Embedder embedder = OnnxEmbedder.allMiniLmL6V2();
             WebServer server = new WebServer(collection.toString(), embedder, null,
                     new ExtractiveGenerator(embedder, null), null,
                     ServeSettings.local(collection.resolve("uploads"))).start()) {
            base = "http://127.0.0.1:" + server.port();
            List<String> texts = chunkTexts(qs, embedder);
            embeddings(embedder, texts);
            chat(qs);
        }
        System.out.println("load after: " + Machine.loadavg());
        return 0;
    }

    /** Chunk-sized texts: the passages retrieved for the questions (what ingest embeds is chunks). */
    private List<String> chunkTexts(List<String> qs, Embedder embedder) {
        Set<String> out = new LinkedHashSet<>();
        try (Retriever r = Corpora.open(collection.toString())) {
            for (String q : qs) {
                for (Hit h : r.search(SearchRequest.of(q, RetrievalMode.HYBRID, 5), embedder).hits()) {
                    out.add(h.chunk().text());
                }
            }
        }
        if (out.size() < batch) throw new IllegalArgumentException("the questions retrieve only " + out.size()
                + " distinct chunks; give more questions or a smaller --batch");
        return new ArrayList<>(out);
    }

    private void embeddings(Embedder embedder, List<String> texts) throws IOException, InterruptedException {
        double[] local = new double[rounds];
        double[] floats = new double[rounds];
        double[] base64 = new double[rounds];
        double maxDiff = 0;
        for (int w = 0; w < 2; w++) { // warm-up: JIT, ONNX session, connections
            List<String> b = slice(texts, w);
            embedder.embed(b);
            embedHttp(b, "float");
            embedHttp(b, "base64");
        }
        Progress progress = new Progress(System.err, "batches");
        for (int r = 0; r < rounds; r++) {
            List<String> b = slice(texts, r);
            float[][] own = null;
            float[][] viaFloat = null;
            float[][] viaBase64 = null;
            for (int k = 0; k < 3; k++) { // rotate which side goes first
                int side = (r + k) % 3;
                long t0 = System.nanoTime();
                if (side == 0) own = embedder.embed(b);
                else if (side == 1) viaFloat = embedHttp(b, "float");
                else viaBase64 = embedHttp(b, "base64");
                double ms = (System.nanoTime() - t0) / 1e6;
                if (side == 0) local[r] = ms;
                else if (side == 1) floats[r] = ms;
                else base64[r] = ms;
            }
            for (int i = 0; i < own.length; i++) {
                for (int j = 0; j < own[i].length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(own[i][j] - viaFloat[i][j]));
                    maxDiff = Math.max(maxDiff, Math.abs(own[i][j] - viaBase64[i][j]));
                }
            }
            progress.update(r + 1, (r + 1.0) / rounds, "embeddings");
        }
        progress.finish(rounds, "embeddings");
        double p50 = AskBench.pct(sorted(local), 0.5);
        System.out.printf(Locale.ROOT, "%nembeddings, batch %d (%d rounds; ms per batch)%n%-22s %8s %8s %10s%n", batch,
                rounds, "path", "p50", "p95", "overhead");
        System.out.printf(Locale.ROOT, "%-22s %8.1f %8.1f %10s%n", "in-process", p50, AskBench.pct(sorted(local), 0.95), "");
        for (Object[] row : new Object[][] {{"/v1 float", floats}, {"/v1 base64", base64}}) {
            double[] v = sorted((double[]) row[1]);
            System.out.printf(Locale.ROOT, "%-22s %8.1f %8.1f %9.1f%%%n", row[0], AskBench.pct(v, 0.5),
                    AskBench.pct(v, 0.95), 100 * (AskBench.pct(v, 0.5) - p50) / p50);
        }
        System.out.printf(Locale.ROOT, "largest |difference| of an HTTP vector component from in-process: %.2e%n", maxDiff);
    }

    private List<String> slice(List<String> texts, int round) {
        List<String> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) out.add(texts.get((round * batch + i) % texts.size()));
        return out;
    }

    private float[][] embedHttp(List<String> texts, String format) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", OnnxEmbedder.ALL_MINILM_L6_V2).put("encoding_format", format);
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        JsonNode r = post("/v1/embeddings", body);
        float[][] out = new float[texts.size()][];
        for (JsonNode item : r.get("data")) {
            JsonNode e = item.get("embedding");
            float[] v;
            if (e.isTextual()) {
                ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e.asText())).order(ByteOrder.LITTLE_ENDIAN);
                v = new float[b.remaining() / Float.BYTES];
                b.asFloatBuffer().get(v);
            } else {
                v = new float[e.size()];
                for (int i = 0; i < v.length; i++) v[i] = e.get(i).floatValue();
            }
            out[item.get("index").asInt()] = v;
        }
        return out;
    }

    private void chat(List<String> qs) throws IOException, InterruptedException {
        for (int w = 0; w < Math.min(2, qs.size()); w++) {
            ask(qs.get(w));
            complete(qs.get(w));
        }
        double[] api = new double[qs.size()];
        double[] v1 = new double[qs.size()];
        double[] diff = new double[qs.size()];
        int same = 0;
        Progress progress = new Progress(System.err, "questions");
        for (int i = 0; i < qs.size(); i++) {
            String a = null;
            String b = null;
            for (int k = 0; k < 2; k++) {
                boolean apiSide = (i + k) % 2 == 0;
                long t0 = System.nanoTime();
                if (apiSide) a = ask(qs.get(i));
                else b = complete(qs.get(i));
                double ms = (System.nanoTime() - t0) / 1e6;
                if (apiSide) api[i] = ms;
                else v1[i] = ms;
            }
            diff[i] = v1[i] - api[i];
            if (b.replaceAll("\\s*(\\[\\d+])+$", "").equals(a.strip())) same++;
            progress.update(i + 1, (i + 1.0) / qs.size(), "chat");
        }
        progress.finish(qs.size(), "chat");
        System.out.printf(Locale.ROOT, "%nchat (%d questions, k = 2, hybrid, extractive; ms per question)%n%-22s %8s %8s%n",
                qs.size(), "path", "p50", "p95");
        System.out.printf(Locale.ROOT, "%-22s %8.1f %8.1f%n", "/api/ask", AskBench.pct(sorted(api), 0.5),
                AskBench.pct(sorted(api), 0.95));
        System.out.printf(Locale.ROOT, "%-22s %8.1f %8.1f%n", "/v1/chat/completions", AskBench.pct(sorted(v1), 0.5),
                AskBench.pct(sorted(v1), 0.95));
        System.out.printf(Locale.ROOT, "overhead: p50 difference %.2f ms; median of paired differences %.2f ms%n",
                AskBench.pct(sorted(v1), 0.5) - AskBench.pct(sorted(api), 0.5), AskBench.pct(sorted(diff), 0.5));
        System.out.printf(Locale.ROOT, "answers equal to /api/ask's (markers removed): %d/%d%n", same, qs.size());
    }

    private String ask(String q) throws IOException, InterruptedException {
        return post("/api/ask", JSON.createObjectNode().put("question", q).put("k", 2)).get("answer").asText();
    }

    private String complete(String q) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", "ragtune");
        body.putArray("messages").addObject().put("role", "user").put("content", q);
        return post("/v1/chat/completions", body).at("/choices/0/message/content").asText();
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + new String(r.body()));
        }
        return JSON.readTree(r.body());
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }
}
