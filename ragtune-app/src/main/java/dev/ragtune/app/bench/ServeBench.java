package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.app.api.AskRequest;
import dev.ragtune.app.api.Limits;
import dev.ragtune.app.api.Wire;
import dev.ragtune.app.web.ServeSettings;
import dev.ragtune.app.web.WebServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput and latency of {@code serve} under concurrent clients: an in-process server on loopback answers
 * {@code POST /api/ask} from 1, 4, 16… client threads in turn, the client counts interleaved in rounds so that machine
 * load drifts over all of them alike. Quality beside speed: every answer is compared with the one a single client got
 * for the same question (concurrency must not change answers), and errors are counted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Requests/s, p50/p95 latency and errors of POST /api/ask at several client counts, interleaved.")
public final class ServeBench implements Callable<Integer> {
    @Option(names = "--collection", required = true, paramLabel = "DIR|URI", description = "An existing collection.")
    String collection;

    @Option(names = "--questions", required = true,
            description = "JSONL with a \"question\", \"query\" or \"text\" field per line.")
    Path questions;

    @Option(names = "-n", defaultValue = "50", description = "Distinct questions the clients cycle through.")
    int n;

    @Option(names = "--clients", defaultValue = "1,4,16", split = ",", description = "Client counts to compare.")
    List<Integer> clients;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds per client count (over all rounds).")
    int seconds;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds the seconds are split into, client counts interleaved.")
    int rounds;

    @Option(names = "--workers", defaultValue = "0", description = "Server workers (0 = one per core).")
    int workers;

    @Option(names = "-k", defaultValue = "2", description = "Contexts per answer.")
    int k;

    @Option(names = "--mode", defaultValue = "hybrid", description = "dense, bm25 or hybrid.")
    String mode;

    /** What one client count did over all its rounds. */
    private static final class Tally {
        final List<Double> latencies = new ArrayList<>();
        int errors;
        int differing;
        double seconds;
        double cpuSeconds;

        synchronized void add(double ms, boolean ok, boolean same) {
            if (!ok) errors++;
            else latencies.add(ms);
            if (ok && !same) differing++;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--clients must list counts >= 1, e.g. 1,4,16");
        }
        if (seconds < 1 || rounds < 1) throw new IllegalArgumentException("--seconds and --rounds must be >= 1");
        if (!Corpora.exists(collection)) {
            throw new IllegalArgumentException("no collection at " + collection + ": ingest one first");
        }
        List<String> qs = AskBench.readQuestions(questions, n);
        if (qs.isEmpty()) throw new IllegalArgumentException(questions + " has no questions");
        int w = workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
        System.out.printf(Locale.ROOT, "serve bench: %d questions, clients %s, %d s each in %d rounds, %d workers, "
                + "k=%d, %s, collection %s%n", qs.size(), clients, seconds, rounds, w, k, mode, collection);
        System.out.println("load before: " + Machine.loadavg());
        Path uploads = Files.createTempDirectory("ragtune-bench-uploads");
        ServeSettings settings = new ServeSettings("127.0.0.1", 0, null, Set.of(), Limits.DEFAULTS, w, 0, uploads);
        try (Embedder embedder = OnnxEmbedder.allMiniLmL6V2();
             Generator generator = new ExtractiveGenerator(embedder, null);
             WebServer server = new WebServer(collection, embedder, null, generator, null, settings).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI ask = URI.create("http://127.0.0.1:" + server.port() + "/api/ask");
            List<String> bodies = qs.stream().map(q -> Wire.write(new AskRequest(q, k, null, mode, null, null))).toList();
            List<String> reference = new ArrayList<>();
            for (String body : bodies) reference.add(answerOf(send(http, ask, body))); // warm-up and the 1-client answers
            Map<Integer, Tally> tallies = new LinkedHashMap<>();
            for (int c : clients) tallies.put(c, new Tally());
            double slice = (double) seconds / rounds;
            for (int r = 1; r <= rounds; r++) {
                for (int c : clients) {
                    run(http, ask, bodies, reference, c, slice, tallies.get(c));
                    System.err.printf(Locale.ROOT, "round %d/%d: %d clients done%n", r, rounds, c);
                }
            }
            report(tallies);
        } finally {
            Files.deleteIfExists(uploads);
        }
        System.out.println("load after: " + Machine.loadavg());
        return 0;
    }

    private static HttpResponse<String> send(HttpClient http, URI uri, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String answerOf(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) throw new IllegalStateException("the server answered " + r.statusCode() + ": " + r.body());
        JsonNode j = Wire.json().readTree(r.body());
        return j.get("answer").asText() + " " + j.get("citations");
    }

    private static void run(HttpClient http, URI uri, List<String> bodies, List<String> reference, int clients,
                            double seconds, Tally tally) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(clients);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int q = Math.floorMod(next.getAndIncrement(), bodies.size());
                        long s = System.nanoTime();
                        boolean ok;
                        boolean same = false;
                        try {
                            HttpResponse<String> r = send(http, uri, bodies.get(q));
                            ok = r.statusCode() == 200;
                            if (ok) same = answerOf(r).equals(reference.get(q));
                        } catch (IOException | RuntimeException e) {
                            ok = false;
                        }
                        tally.add((System.nanoTime() - s) / 1e6, ok, same);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + i);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        synchronized (tally) {
            tally.seconds += (System.nanoTime() - t0) / 1e9;
            tally.cpuSeconds += (processCpuNanos() - cpu0) / 1e9;
        }
    }

    /** CPU time of this process (server and clients), or 0 where the JVM does not tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static void report(Map<Integer, Tally> tallies) {
        System.out.printf(Locale.ROOT, "%n%8s %9s %8s %10s %9s %9s %7s %11s %12s %18s%n", "clients", "requests",
                "req/s", "vs 1 client", "p50 ms", "p95 ms", "errors", "cores used", "CPU ms/req", "answers = 1-client");
        Double one = null;
        for (Map.Entry<Integer, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            double[] v = t.latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double rate = v.length / t.seconds;
            if (e.getKey() == 1) one = rate;
            String ratio = one == null ? "–" : String.format(Locale.ROOT, "%.2fx", rate / one);
            System.out.printf(Locale.ROOT, "%8d %9d %8.2f %10s %9.1f %9.1f %7d %11.2f %12.1f %13d/%d%n", e.getKey(),
                    v.length + t.errors, rate, ratio, AskBench.pct(v, 0.50), AskBench.pct(v, 0.95), t.errors,
                    t.cpuSeconds / t.seconds, v.length == 0 ? 0 : 1000 * t.cpuSeconds / v.length,
                    v.length - t.differing, v.length);
        }
        System.out.println("mean latency: " + Arrays.toString(tallies.values().stream()
                .mapToDouble(t -> t.latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0))
                .map(x -> Math.round(x * 10) / 10.0).toArray()));
    }
}
