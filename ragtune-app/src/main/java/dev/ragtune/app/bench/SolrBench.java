package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.PrecomputedEmbedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same chunks and queries through the retrieval seam on the local folder (flat and HNSW) and on SolrCloud (1 and
 * 2 shards), in one run: ingest chunks/s, then per mode (dense, BM25, hybrid) p50/p95 latency with the backends
 * interleaved query by query, QPS on 2 threads, and quality beside it (hit@k of the query's source document, and the
 * overlap of each top-k with the local flat backend's, the exact reference). Vectors come precomputed (.fvecs of
 * {@code bench corpus-vectors}), so embedding time is the same for every backend and left out.
 */
@Command(name = "solr", mixinStandardHelpOptions = true,
        description = "Ingest rate and query p50/p95/QPS of dense, BM25 and hybrid on SolrCloud (1 and 2 shards) "
                + "against the local flat and HNSW backends, on the same chunks, with hit@k and overlap with flat.")
public final class SolrBench implements Callable<Integer> {
    @Option(names = "--zk", required = true, paramLabel = "HOST:PORT[,…][/CHROOT]",
            description = "ZooKeeper of the SolrCloud to use; the bench creates collections PREFIX-1shard and "
                    + "PREFIX-2shards there and deletes nothing")
    String zk;

    @Option(names = "--prefix", defaultValue = "ragtune-bench", description = "name prefix of the bench collections")
    String prefix;

    @Option(names = "--chunks", required = true, description = "chunks.jsonl of build_corpus.py ({\"doc\", \"text\"} per line)")
    Path chunksFile;

    @Option(names = "--vectors", required = true, description = "the chunks' vectors (.fvecs, row-aligned, L2-normalized)")
    Path vectorsFile;

    @Option(names = "--queries", required = true, description = "queries.jsonl ({\"doc\", \"text\"} per line)")
    Path queriesFile;

    @Option(names = "--query-vectors", required = true, description = "the queries' vectors (.fvecs, row-aligned)")
    Path queryVectorsFile;

    @Option(names = "--n", defaultValue = "50000", description = "use the first N chunks (at most as many as --vectors holds)")
    int n;

    @Option(names = "--nq", defaultValue = "500", description = "use the first NQ queries")
    int nq;

    @Option(names = "-k", defaultValue = "10")
    int k;

    @Option(names = "--qps-seconds", defaultValue = "3", description = "seconds of the 2-thread QPS run per backend and mode")
    double qpsSeconds;

    @Option(names = "--work", required = true, description = "scratch folder for the local collections (must not exist)")
    Path work;

    /** One backend under test. */
    private record Backend(String name, String location, CorpusSettings settings) {}

    private record Row(List<Hit> hits, double millis) {}

    @Override
    public Integer call() throws Exception {
        if (Files.exists(work)) throw new IllegalArgumentException("--work " + work + " exists; give a new folder");
        System.out.println("# loadavg at start: " + Machine.loadavg());
        float[][] vectors = Fvecs.read(vectorsFile, n);
        List<JsonNode> chunkRows = readJsonl(chunksFile, vectors.length);
        if (chunkRows.size() < vectors.length) {
            throw new IllegalArgumentException(chunksFile + " has " + chunkRows.size() + " chunks but " + vectorsFile
                    + " " + vectors.length + " vectors; they must be row-aligned");
        }
        float[][] qv = Fvecs.read(queryVectorsFile, nq);
        List<JsonNode> queryRows = readJsonl(queriesFile, qv.length);
        List<String> queries = queryRows.stream().map(q -> q.get("text").asText()).toList();
        List<String> goldDocs = queryRows.stream().map(q -> q.get("doc").asText()).toList();
        Embedder embedder = new PrecomputedEmbedder("bench/precomputed-all-MiniLM-L6-v2", queries, qv);
        Map<String, List<Integer>> byDoc = new LinkedHashMap<>();
        for (int i = 0; i < vectors.length; i++) byDoc.computeIfAbsent(chunkRows.get(i).get("doc").asText(), d -> new ArrayList<>()).add(i);
        System.out.printf(Locale.ROOT, "# %,d chunks of %,d documents, %,d queries, k = %d, dimension %d%n",
                vectors.length, byDoc.size(), queries.size(), k, vectors.length == 0 ? 0 : vectors[0].length);

        List<Backend> backends = List.of(
                new Backend("local flat", work.resolve("flat").toString(), settings("flat", 0)),
                new Backend("local hnsw", work.resolve("hnsw").toString(), settings("hnsw", 0)),
                new Backend("solr 1 shard", "solr://" + zk + "/" + prefix + "-1shard", settings("flat", 1)),
                new Backend("solr 2 shards", "solr://" + zk + "/" + prefix + "-2shards", settings("flat", 2)));
        System.out.println("\n| backend | ingest s | chunks/s |");
        System.out.println("|---|---|---|");
        for (Backend b : backends) {
            if (Corpora.exists(b.location())) {
                throw new IllegalArgumentException(b.location() + " exists already; delete it or pass another --prefix");
            }
            double s = ingest(b, embedder, chunkRows, vectors, byDoc);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f |%n", b.name(), s, vectors.length / s);
        }

        List<Retriever> open = new ArrayList<>();
        try {
            for (Backend b : backends) open.add(Corpora.open(b.location()));
            System.out.printf(Locale.ROOT, "%n| mode | backend | p50 ms | p95 ms | QPS (2 threads) | hit@%d (doc) | "
                    + "overlap@%d with flat |%n", k, k);
            System.out.println("|---|---|---|---|---|---|---|");
            for (RetrievalMode mode : RetrievalMode.values()) {
                // latency: each query on every backend in turn, so load changes hit all alike
                List<List<Row>> rows = new ArrayList<>();
                for (int b = 0; b < open.size(); b++) rows.add(new ArrayList<>());
                for (int w = 0; w < Math.min(50, queries.size()); w++) {
                    for (Retriever r : open) r.search(SearchRequest.of(queries.get(w), mode, k), embedder);
                }
                for (int q = 0; q < queries.size(); q++) {
                    for (int b = 0; b < open.size(); b++) {
                        long t = System.nanoTime();
                        List<Hit> hits = open.get(b).search(SearchRequest.of(queries.get(q), mode, k), embedder).hits();
                        rows.get(b).add(new Row(hits, (System.nanoTime() - t) / 1e6));
                    }
                    if ((q + 1) % 100 == 0) System.err.printf("%s: %d/%d queries%n", mode.label(), q + 1, queries.size());
                }
                for (int b = 0; b < open.size(); b++) {
                    double qps = qps(open.get(b), mode, queries, embedder);
                    double[] ms = rows.get(b).stream().mapToDouble(Row::millis).sorted().toArray();
                    System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.0f | %.3f | %.3f |%n", mode.label(),
                            backends.get(b).name(), ms[ms.length / 2], ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * 0.95) - 1)],
                            qps, hitAtK(rows.get(b), goldDocs), overlap(rows.get(b), rows.get(0)));
                }
            }
        } finally {
            for (Retriever r : open) r.close();
        }
        System.out.println("# loadavg at end: " + Machine.loadavg());
        return 0;
    }

    private CorpusSettings settings(String index, int shards) {
        return new CorpusSettings(index, Map.of(), true, 0, 0, "en", shards, shards == 0 ? 0 : 1);
    }

    /** Puts every document as one source and commits; returns the seconds taken. */
    private double ingest(Backend b, Embedder embedder, List<JsonNode> rows, float[][] vectors,
                          Map<String, List<Integer>> byDoc) {
        long t0 = System.nanoTime();
        int done = 0;
        try (CorpusWriter w = Corpora.openWriter(b.location(), embedder, b.settings())) {
            for (Map.Entry<String, List<Integer>> d : byDoc.entrySet()) {
                List<StoredChunk> chunks = new ArrayList<>();
                List<Integer> ordinals = new ArrayList<>();
                float[][] v = new float[d.getValue().size()][];
                for (int i = 0; i < v.length; i++) {
                    int row = d.getValue().get(i);
                    String text = rows.get(row).get("text").asText();
                    StoredChunk c = new StoredChunk(w.nextOrdinal(), new Chunk(d.getKey() + "#" + i, d.getKey(),
                            "/bench/" + d.getKey(), 0, 0, text.length(), "", text), "en");
                    chunks.add(c);
                    ordinals.add(c.ordinal());
                    v[i] = vectors[row];
                }
                w.put(new SourceEntry("/bench/" + d.getKey(), "-", 0, List.of(d.getKey()), ordinals, "200/32",
                        java.time.Instant.now().toString()), chunks, v);
                done += v.length;
                if (done / 5000 != (done - v.length) / 5000) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.err.printf(Locale.ROOT, "%s: %,d/%,d chunks, %.0f/s, ETA %.0f s%n", b.name(), done,
                            vectors.length, done / s, (vectors.length - done) / (done / s));
                }
            }
            w.commit();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Searches per second with 2 threads, each walking its half of the queries until the time is up. */
    private double qps(Retriever r, RetrievalMode mode, List<String> queries, Embedder embedder) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long t = System.nanoTime();
            long deadline = t + (long) (qpsSeconds * 1e9);
            List<Future<Long>> fs = new ArrayList<>();
            for (int th = 0; th < 2; th++) {
                int from = th;
                fs.add(pool.submit(() -> {
                    long done = 0;
                    for (int i = from; System.nanoTime() < deadline; i = (i + 2) % queries.size()) {
                        r.search(SearchRequest.of(queries.get(i), mode, k), embedder);
                        done++;
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Long> f : fs) total += f.get();
            return total / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** Share of queries whose source document is among the top k hits' documents. */
    private static double hitAtK(List<Row> rows, List<String> goldDocs) {
        int hit = 0;
        for (int q = 0; q < rows.size(); q++) {
            String gold = goldDocs.get(q);
            if (rows.get(q).hits().stream().anyMatch(h -> h.chunk().docId().equals(gold))) hit++;
        }
        return hit / (double) rows.size();
    }

    /** Mean share of a top-k list's chunk ids that the reference's top-k holds too. */
    private static double overlap(List<Row> rows, List<Row> reference) {
        double sum = 0;
        for (int q = 0; q < rows.size(); q++) {
            List<String> ref = reference.get(q).hits().stream().map(h -> h.chunk().id()).toList();
            List<Hit> hits = rows.get(q).hits();
            if (ref.isEmpty()) {
                sum += hits.isEmpty() ? 1 : 0;
                continue;
            }
            sum += hits.stream().filter(h -> ref.contains(h.chunk().id())).count() / (double) ref.size();
        }
        return sum / rows.size();
    }

    private static List<JsonNode> readJsonl(Path file, int limit) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            int no = 0;
            while (out.size() < limit && (line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode node = json.readTree(line);
                if (!node.path("text").isTextual() || !node.path("doc").isTextual()) {
                    throw new IllegalArgumentException(file + ":" + no + " needs string fields \"doc\" and \"text\"");
                }
                out.add(node);
            }
        }
        return out;
    }
}
