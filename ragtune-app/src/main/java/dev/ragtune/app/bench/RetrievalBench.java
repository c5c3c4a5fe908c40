package dev.ragtune.app.bench;

import dev.ragtune.rag.index.FlatIndex;
import dev.ragtune.rag.index.HnswIndex;
import dev.ragtune.rag.index.IvfIndex;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.ScanPrecision;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.index.VectorIndex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Vector-search benchmark: flat, IVF (nlist/nprobe sweep) and HNSW (M/beam/ef sweep) on real embedding vectors,
 * reporting recall@10 against exact search next to p50/p99 latency (one query at a time, one thread), QPS on N
 * threads, build seconds and the machine load; the per-query thread CPU time (p50) is given too because on a shared
 * machine wall-clock latency includes time spent waiting for a core; optionally runs FAISS ({@code faiss_bench.py}) on the same vectors.
 */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "Benchmark flat / IVF / HNSW vector search (recall@10, latency, QPS, build time).")
public final class RetrievalBench implements Callable<Integer> {
    @Option(names = "--vectors", required = true, description = "corpus vectors (.fvecs, L2-normalized)")
    Path vectorsFile;

    @Option(names = "--queries", required = true, description = "query vectors (.fvecs, L2-normalized)")
    Path queriesFile;

    @Option(names = "--n", defaultValue = "50000", description = "use the first N corpus vectors")
    int n;

    @Option(names = "--nq", defaultValue = "1000", description = "use the first NQ queries")
    int nq;

    @Option(names = "--k", defaultValue = "10")
    int k;

    /** Minimum length of the QPS measurement. */
    static final double QPS_SECONDS = 3.0;

    @Option(names = "--threads", defaultValue = "2", description = "threads for the QPS measurement")
    int threads;

    @Option(names = "--only", defaultValue = "flat,ivf,hnsw", split = ",")
    Set<String> only;

    @Option(names = "--ivf-nlist", defaultValue = "0,256,1024", split = ",",
            description = "IVF nlist values (0 = the index's default)")
    int[] ivfNlist;

    @Option(names = "--ivf-nprobe", defaultValue = "0,4,16,32,64", split = ",",
            description = "IVF nprobe values (0 = the index's default)")
    int[] ivfNprobe;

    @Option(names = "--hnsw", defaultValue = "16:100,32:200", split = ",", description = "HNSW M:beamWidth pairs")
    String[] hnsw;

    @Option(names = "--hnsw-ef", defaultValue = "10,32,50,100,200", split = ",", description = "HNSW query ef values")
    int[] hnswEf;

    @Option(names = "--faiss", description = "also run this faiss_bench.py (Debian python3-faiss) on the same vectors")
    Path faissScript;

    @Option(names = "--faiss-dir", description = "scratch folder for FAISS input/output (default: next to --vectors)")
    Path faissDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RetrievalBench()).execute(args));
    }

    private float[][] base;
    private float[][] queries;
    private List<Set<Integer>> truth;

    private static String scanLabel(ScanPrecision p) {
        return (p == ScanPrecision.INT8 ? "int8" : "float32") + " block scan + double rescoring";
    }

    @Override
    public Integer call() throws Exception {
        base = Fvecs.read(vectorsFile, n);
        queries = Fvecs.read(queriesFile, nq);
        System.out.printf(Locale.ROOT, "# retrieval bench: n=%d (of --n %d) d=%d queries=%d k=%d threads=%d java=%s vm=%s%n",
                base.length, n, base[0].length, queries.length, k, threads, System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        System.out.println("# vm args: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("# loadavg at start: " + Machine.loadavg());
        System.out.println("| index | setting | recall@10 | p50 ms | p99 ms | p50 thread-CPU ms | QPS (" + threads
                + " threads) | build s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        int[] ids = new int[base.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;

        long t0 = System.nanoTime();
        // exact results do not depend on the scan precision: the truth comes from one, both are timed
        ScanPrecision primary = ScanPrecision.forThisJvm();
        try (FlatIndex flat = new FlatIndex(base[0].length, primary)) {
            flat.add(ids, base);
            double build = (System.nanoTime() - t0) / 1e9;
            truth = new ArrayList<>();
            for (float[] q : queries) {
                Set<Integer> s = new HashSet<>();
                for (Neighbor nb : flat.search(q, k, SearchParams.DEFAULTS)) s.add(nb.id());
                truth.add(s);
            }
            if (only.contains("flat")) {
                measure("flat (exact)", scanLabel(primary) + " (default on this JVM)", flat, SearchParams.DEFAULTS, build);
            }
        }
        if (only.contains("flat")) {
            for (ScanPrecision other : ScanPrecision.values()) {
                if (other == primary) continue;
                t0 = System.nanoTime();
                try (FlatIndex flat = new FlatIndex(base[0].length, other)) {
                    flat.add(ids, base);
                    measure("flat (exact)", scanLabel(other), flat, SearchParams.DEFAULTS, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        if (only.contains("ivf")) {
            for (int nlist : ivfNlist) {
                Map<String, String> p = nlist > 0 ? Map.of("nlist", Integer.toString(nlist)) : Map.of();
                t0 = System.nanoTime();
                try (IvfIndex ivf = new IvfIndex(base[0].length, p)) {
                    ivf.add(ids, base);
                    double build = (System.nanoTime() - t0) / 1e9;
                    for (int nprobe : ivfNprobe) {
                        int eff = nprobe > 0 ? nprobe : ivf.defaultNprobe();
                        if (eff > ivf.nlist()) continue;
                        measure("ivf", "nlist " + ivf.nlist() + (nlist == 0 ? " (default)" : "") + ", nprobe " + eff
                                + (nprobe == 0 ? " (default)" : ""), ivf, new SearchParams(nprobe, 0), build);
                    }
                }
            }
        }
        if (only.contains("hnsw")) {
            for (String mb : hnsw) {
                String[] parts = mb.split(":");
                int m = Integer.parseInt(parts[0]);
                int beam = Integer.parseInt(parts[1]);
                t0 = System.nanoTime();
                try (HnswIndex index = HnswIndex.create(base[0].length, m, beam, HnswIndex.DEFAULT_EF)) {
                    int batch = 10_000;
                    for (int s = 0; s < ids.length; s += batch) {
                        int e = Math.min(ids.length, s + batch);
                        index.add(Arrays.copyOfRange(ids, s, e), Arrays.copyOfRange(base, s, e));
                    }
                    index.search(queries[0], k, SearchParams.DEFAULTS); // opens the near-real-time reader (flush)
                    double build = (System.nanoTime() - t0) / 1e9;
                    for (int ef : hnswEf) {
                        measure("hnsw (Lucene 9.12)", "M " + m + ", beam " + beam + ", ef " + Math.max(ef, k), index,
                                new SearchParams(0, ef), build);
                    }
                }
            }
        }
        System.out.println("# loadavg at end: " + Machine.loadavg());
        if (faissScript != null) runFaiss();
        return 0;
    }

    private void measure(String name, String setting, VectorIndex index, SearchParams params, double buildSeconds)
            throws Exception {
        int warm = Math.min(200, queries.length);
        for (int i = 0; i < warm; i++) index.search(queries[i], k, params);
        double[] lat = new double[queries.length];
        double[] cpu = new double[queries.length];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int hits = 0;
        for (int i = 0; i < queries.length; i++) {
            long c = mx.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            List<Neighbor> r = index.search(queries[i], k, params);
            lat[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
            for (Neighbor nb : r) if (truth.get(i).contains(nb.id())) hits++;
        }
        double recall = hits / (double) (k * queries.length);
        Arrays.sort(lat);
        Arrays.sort(cpu);
        double cpu50 = cpu[cpu.length / 2];
        double p50 = lat[lat.length / 2];
        double p99 = lat[Math.min(lat.length - 1, (int) Math.ceil(lat.length * 0.99) - 1)];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Each thread walks its share of the queries again and again until the deadline (at least one full pass),
            // so that thread start-up and a short window do not dominate the rate.
            long t = System.nanoTime();
            long deadline = t + (long) (QPS_SECONDS * 1e9);
            List<Future<Long>> fs = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int from = th;
                fs.add(pool.submit(() -> {
                    long done = 0;
                    do {
                        for (int i = from; i < queries.length; i += threads) {
                            index.search(queries[i], k, params);
                            done++;
                        }
                    } while (System.nanoTime() < deadline);
                    return done;
                }));
            }
            long total = 0;
            for (Future<Long> f : fs) total += f.get();
            double qps = total / ((System.nanoTime() - t) / 1e9);
            System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.2f | %.2f | %.3f | %.0f | %.1f |%n", name, setting,
                    recall, p50, p99, cpu50, qps, buildSeconds);
        } finally {
            pool.shutdown();
        }
    }

    private void runFaiss() throws Exception {
        Path dir = faissDir != null ? faissDir : vectorsFile.toAbsolutePath().getParent().resolve("faiss-" + base.length);
        Files.createDirectories(dir);
        Fvecs.write(dir.resolve("chunks.fvecs"), base);
        Fvecs.write(dir.resolve("queries.fvecs"), queries);
        Files.deleteIfExists(dir.resolve("gt.ivecs"));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", faissScript.toString(), "--threads", "1")
                .redirectErrorStream(true);
        pb.environment().put("ANCHORS_SCRATCH", dir.toString());
        System.out.println("# FAISS: " + String.join(" ", pb.command()) + " (ANCHORS_SCRATCH=" + dir + ")");
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) System.out.println("# faiss " + line);
        }
        System.out.println("# FAISS exit " + p.waitFor() + "; loadavg: " + Machine.loadavg());
    }

}
