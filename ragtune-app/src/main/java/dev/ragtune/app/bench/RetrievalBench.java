package dev.ragtune.app.bench;

import dev.ragtune.rag.index.FlatIndex;
import dev.ragtune.rag.index.HnswIndex;
import dev.ragtune.rag.index.IvfIndex;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.ScanPrecision;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.index.VectorIndex;
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
 * machine wall-clock latency includes time spent waiting for a core. With {@code --anchor PYTHON} FAISS
 * ({@code bench/python/retrieval.py}) builds and searches the same vectors in the same command, each build and each
 * setting interleaved round by round with ragtune's, and the ratios of the medians are printed.
 */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "Benchmark flat / IVF / HNSW vector search (recall@10, latency, QPS, build time), optionally "
                + "side by side with FAISS (--anchor).")
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
    @Option(names = "--qps-seconds", defaultValue = "3", description = "minimum length of each QPS measurement")
    double qpsSeconds;

    @Option(names = "--threads", defaultValue = "2", description = "threads for the QPS measurement (and FAISS's "
            + "batch call and build)")
    int threads;

    @Option(names = "--only", defaultValue = "flat,ivf,hnsw", split = ",", description = "indexes to run: flat, ivf, hnsw")
    Set<String> only;

    private static final List<String> INDEXES = List.of("flat", "ivf", "hnsw");

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

    @CommandLine.Mixin
    AnchorOptions anchorOptions = new AnchorOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private java.io.PrintWriter out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RetrievalBench()).execute(args));
    }

    private float[][] base;
    private float[][] queries;
    private List<Set<Integer>> truth;
    private PythonAnchor anchor;
    private final List<String> ratios = new ArrayList<>();

    private static String scanLabel(ScanPrecision p) {
        return (p == ScanPrecision.INT8 ? "int8" : "float32") + " block scan + double rescoring";
    }

    /** What one measurement of one setting found (ragtune's or the anchor's). */
    record Measured(double recall, double p50, double p99, double cpu50, double qps, double batchQps1) {
        static Measured median(List<Measured> rounds) {
            return new Measured(SideBySide.median(rounds.stream().map(Measured::recall).toList()),
                    SideBySide.median(rounds.stream().map(Measured::p50).toList()),
                    SideBySide.median(rounds.stream().map(Measured::p99).toList()),
                    SideBySide.median(rounds.stream().map(Measured::cpu50).toList()),
                    SideBySide.median(rounds.stream().map(Measured::qps).toList()),
                    SideBySide.median(rounds.stream().map(Measured::batchQps1).toList()));
        }
    }

    /** Builds a fresh index of one kind, timed by the caller. */
    interface Build {
        VectorIndex build() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || k < 1 || n < 1 || nq < 1) {
            throw new IllegalArgumentException("--threads, --k, --n and --nq must be at least 1");
        }
        Set<String> unknown = new java.util.TreeSet<>(only);
        unknown.removeAll(INDEXES);
        if (!unknown.isEmpty() || only.isEmpty()) {
            throw new IllegalArgumentException("--only: unknown index " + String.join(",", unknown) + "; choose from "
                    + String.join(",", INDEXES));
        }
        int rounds = anchorOptions.rounds();
        out = spec.commandLine().getOut();
        base = Fvecs.read(vectorsFile, n);
        queries = Fvecs.read(queriesFile, nq);
        if (base.length == 0 || queries.length == 0 || base[0].length != queries[0].length) {
            throw new IllegalArgumentException(vectorsFile + " and " + queriesFile + " must hold vectors of one dimension");
        }
        out.printf(Locale.ROOT, "# retrieval bench: n=%d (of --n %d) d=%d queries=%d k=%d threads=%d rounds=%d java=%s vm=%s%n",
                base.length, n, base[0].length, queries.length, k, threads, rounds, System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        out.println("# vm args: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.println("# loadavg at start: " + Machine.loadavg());
        if (anchorOptions.enabled()) {
            anchor = anchorOptions.start("retrieval.py", List.of("--vectors", vectorsFile.toAbsolutePath().toString(),
                    "--queries", queriesFile.toAbsolutePath().toString(), "--n", Integer.toString(base.length),
                    "--nq", Integer.toString(queries.length), "--k", Integer.toString(k),
                    "--threads", Integer.toString(threads)), threads);
            out.println("# anchor: FAISS (bench/python/retrieval.py): p50 = one query per call on 1 thread; its QPS"
                    + " = one batch call over all queries on " + threads + " threads, and on 1 thread in the last column");
        }
        try {
            table(rounds);
        } finally {
            if (anchor != null) {
                anchor.close();
            }
        }
        return 0;
    }

    private void table(int rounds) throws Exception {
        out.println("| index | setting | engine | recall@" + k + " | p50 ms | p99 ms | p50 thread-CPU ms | QPS ("
                + threads + " threads) | batch QPS (1 thread) | build s |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        int[] ids = new int[base.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;

        // exact results do not depend on the scan precision: the truth comes from one, both are timed
        ScanPrecision primary = ScanPrecision.forThisJvm();
        try (FlatIndex flat = new FlatIndex(base[0].length, primary)) {
            flat.add(ids, base);
            truth = new ArrayList<>();
            for (float[] q : queries) {
                Set<Integer> s = new HashSet<>();
                for (Neighbor nb : flat.search(q, k, SearchParams.DEFAULTS)) s.add(nb.id());
                truth.add(s);
            }
        }
        if (only.contains("flat")) {
            for (ScanPrecision p : ScanPrecision.values()) {
                String setting = scanLabel(p) + (p == primary ? " (default on this JVM)" : "");
                VectorIndex flat = null;
                try {
                    flat = buildRounds(rounds, () -> {
                        FlatIndex f = new FlatIndex(base[0].length, p);
                        f.add(ids, base);
                        return f;
                    }, p == primary ? Map.of("index", "flat") : null);
                    measureRounds("flat (exact)", setting, flat, SearchParams.DEFAULTS, rounds,
                            p == primary ? Map.of("op", "search", "index", "flat") : null);
                } finally {
                    if (flat != null) flat.close();
                }
            }
        }
        if (only.contains("ivf")) {
            for (int nlist : ivfNlist) {
                Map<String, String> p = nlist > 0 ? Map.of("nlist", Integer.toString(nlist)) : Map.of();
                IvfIndex ivf = null;
                try {
                    // a given nlist is built interleaved with FAISS's builds; the default one is known only after
                    // ragtune's first build, so FAISS then builds with it after ragtune's rounds
                    ivf = (IvfIndex) buildRounds(rounds, () -> {
                        IvfIndex index = new IvfIndex(base[0].length, p);
                        index.add(ids, base);
                        return index;
                    }, nlist > 0 ? Map.of("index", "ivf", "nlist", nlist) : null);
                    Map<String, Object> faissIndex = Map.of("index", "ivf", "nlist", ivf.nlist());
                    if (anchor != null && nlist == 0) {
                        anchorBuilds(rounds, faissIndex, "ivf", "nlist " + ivf.nlist());
                    }
                    for (int nprobe : ivfNprobe) {
                        int eff = nprobe > 0 ? nprobe : ivf.defaultNprobe();
                        if (eff > ivf.nlist()) continue;
                        Map<String, Object> req = new java.util.HashMap<>(faissIndex);
                        req.put("op", "search");
                        req.put("nprobe", eff);
                        measureRounds("ivf", "nlist " + ivf.nlist() + (nlist == 0 ? " (default)" : "") + ", nprobe "
                                + eff + (nprobe == 0 ? " (default)" : ""), ivf, new SearchParams(nprobe, 0), rounds, req);
                    }
                } finally {
                    if (ivf != null) ivf.close();
                }
            }
        }
        if (only.contains("hnsw")) {
            for (String mb : hnsw) {
                String[] parts = mb.split(":");
                int m;
                int beam;
                try {
                    m = Integer.parseInt(parts[0]);
                    beam = Integer.parseInt(parts[1]);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--hnsw entry '" + mb + "' is not M:beamWidth, e.g. 32:200");
                }
                Map<String, Object> faissIndex = Map.of("index", "hnsw", "M", m, "efConstruction", beam);
                VectorIndex index = null;
                try {
                    index = buildRounds(rounds, () -> {
                        HnswIndex h = HnswIndex.create(base[0].length, m, beam, HnswIndex.DEFAULT_EF);
                        int batch = 10_000;
                        for (int s = 0; s < ids.length; s += batch) {
                            int e = Math.min(ids.length, s + batch);
                            h.add(Arrays.copyOfRange(ids, s, e), Arrays.copyOfRange(base, s, e));
                        }
                        h.search(queries[0], k, SearchParams.DEFAULTS); // opens the near-real-time reader (flush)
                        return h;
                    }, faissIndex);
                    for (int ef : hnswEf) {
                        Map<String, Object> req = new java.util.HashMap<>(faissIndex);
                        req.put("op", "search");
                        req.put("ef", Math.max(ef, k));
                        measureRounds("hnsw (Lucene graph, int8 walk + exact rescoring)", "M " + m + ", beam " + beam + ", ef " + Math.max(ef, k),
                                index, new SearchParams(0, ef), rounds, req);
                    }
                } finally {
                    if (index != null) index.close();
                }
            }
        }
        out.println("# loadavg at end: " + Machine.loadavg());
        if (anchor != null) {
            out.println();
            out.println("ragtune vs FAISS, same run (medians of " + rounds + " interleaved rounds; > 1: ragtune faster):");
            out.println("| index | setting | recall@" + k + " ragtune / FAISS | p50 (1 query, 1 thread) | QPS "
                    + threads + " threads vs FAISS batch " + threads + " threads | vs FAISS batch 1 thread x " + threads
                    + " |");
            out.println("|---|---|---|---|---|---|");
            ratios.forEach(out::println);
            for (String b : builds) out.println(b);
            out.println("anchor versions: " + anchor.versions());
        }
        out.flush();
    }

    private final List<String> builds = new ArrayList<>();
    private double lastBuildSeconds;

    /**
     * Builds {@code rounds} times (the anchor's build of {@code faissIndex} after each of ragtune's when given) and
     * keeps the last index; the median build time goes into the rows.
     */
    private VectorIndex buildRounds(int rounds, Build build, Map<String, Object> faissIndex) throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        VectorIndex index = null;
        for (int r = 0; r < rounds; r++) {
            if (index != null) index.close();
            long t0 = System.nanoTime();
            index = build.build();
            ours.add((System.nanoTime() - t0) / 1e9);
            if (anchor != null && faissIndex != null) {
                theirs.add(anchorBuild(faissIndex));
            }
        }
        lastBuildSeconds = SideBySide.median(ours);
        if (!theirs.isEmpty()) {
            recordBuild(String.valueOf(faissIndex.get("index")), faissIndex.toString(), lastBuildSeconds,
                    SideBySide.median(theirs));
        }
        return index;
    }

    /** The anchor's builds alone, when ragtune's build decided a parameter first (IVF's default nlist). */
    private void anchorBuilds(int rounds, Map<String, Object> faissIndex, String kind, String setting) throws Exception {
        List<Double> theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) theirs.add(anchorBuild(faissIndex));
        recordBuild(kind, setting + " (FAISS builds after ragtune's rounds)", lastBuildSeconds,
                SideBySide.median(theirs));
    }

    private double anchorBuild(Map<String, Object> faissIndex) throws Exception {
        Map<String, Object> req = new java.util.HashMap<>(faissIndex);
        req.put("op", "build");
        return PythonAnchor.number(anchor.ask(req), "build_s");
    }

    private void recordBuild(String kind, String setting, double ours, double theirs) {
        builds.add(SideBySide.time("build " + kind + " " + setting + " (FAISS on " + threads + " threads)", "s", ours,
                theirs).line());
    }

    /**
     * Measures one search setting {@code rounds} times, each of ragtune's rounds followed by the anchor's
     * {@code request} when there is one, and prints the medians (and the ratios, kept for the summary).
     */
    private void measureRounds(String name, String setting, VectorIndex index, SearchParams params, int rounds,
                               Map<String, Object> request) throws Exception {
        List<Measured> ours = new ArrayList<>();
        List<Measured> theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ours.add(measure(index, params));
            if (anchor != null && request != null) {
                var reply = anchor.ask(request);
                theirs.add(new Measured(PythonAnchor.number(reply, "recall"), PythonAnchor.number(reply, "p50_ms"),
                        PythonAnchor.number(reply, "p99_ms"), PythonAnchor.number(reply, "p50_thread_cpu_ms"),
                        PythonAnchor.number(reply, "batch_qps_" + threads + "t"),
                        PythonAnchor.number(reply, "batch_qps_1t")));
            }
        }
        Measured o = Measured.median(ours);
        out.printf(Locale.ROOT, "| %s | %s | ragtune | %.3f | %.3f | %.3f | %.3f | %.0f | – | %.1f |%n", name,
                setting, o.recall(), o.p50(), o.p99(), o.cpu50(), o.qps(), lastBuildSeconds);
        if (!theirs.isEmpty()) {
            Measured f = Measured.median(theirs);
            // the flat setting names ragtune's scan; FAISS's exact index is IndexFlatIP (IVF/HNSW settings are shared)
            out.printf(Locale.ROOT, "| %s | %s | FAISS | %.3f | %.3f | %.3f | %.3f | %.0f (batch) | %.0f | |%n",
                    name, index instanceof FlatIndex ? "IndexFlatIP (exact inner product)" : setting, f.recall(), f.p50(), f.p99(), f.cpu50(), f.qps(), f.batchQps1());
            ratios.add(String.format(Locale.ROOT, "| %s | %s | %.3f / %.3f | %.2fx | %.2fx | %.2fx |", name, setting,
                    o.recall(), f.recall(), f.p50() / o.p50(), o.qps() / f.qps(), o.qps() / (threads * f.batchQps1())));
        }
        if (index instanceof FlatIndex) {
            double b1 = batchQps(index, params, 1);
            double bt = batchQps(index, params, threads);
            out.printf(Locale.ROOT, "| %s | %s, searchAll (batch of all queries) | ragtune | | | | | %.0f (batch) | %.0f | |%n",
                    name, setting, bt, b1);
            if (!theirs.isEmpty()) {
                Measured f = Measured.median(theirs);
                ratios.add(String.format(Locale.ROOT, "| %s | %s, batch vs batch | | | %.2fx (%d threads) | %.2fx (1 thread) |",
                        name, setting, bt / f.qps(), threads, b1 / f.batchQps1()));
            }
        }
    }

    /** QPS of {@link VectorIndex#searchAll} over all queries in one call on a pool of {@code t} threads, best of 3. */
    private double batchQps(VectorIndex index, SearchParams params, int t) throws Exception {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(t);
        try {
            pool.submit(() -> index.searchAll(queries, k, params)).get(); // warm-up
            double best = Double.MAX_VALUE;
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                pool.submit(() -> index.searchAll(queries, k, params)).get();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return queries.length / best;
        } finally {
            pool.shutdown();
        }
    }

    private Measured measure(VectorIndex index, SearchParams params) throws Exception {
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
            long deadline = t + (long) (qpsSeconds * 1e9);
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
            return new Measured(recall, p50, p99, cpu50, qps, Double.NaN);
        } finally {
            pool.shutdown();
        }
    }
}
