package dev.ragtune.app.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.t5.T5Config;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Greedy generation and encoder throughput of random-weight FLAN-T5 shapes; with {@code --anchor PYTHON} HF
 * transformers ({@code bench/python/generate.py}) runs the same shapes in the same command, interleaved round by
 * round, and the ratio of the medians is printed. Prints the machine load, peak RSS and a checksum of the generated
 * ids beside every speed.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Benchmark T5 greedy generation (KV cache) and encoder throughput on random weights.")
public final class GenerateBench implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "flan-t5-small", description = "flan-t5-small or flan-t5-base")
    String shape;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads")
    int threads;

    @Option(names = "--source-len", defaultValue = "256", description = "Source tokens per prompt")
    int sourceLen;

    @Option(names = "--new-tokens", defaultValue = "64", description = "Exactly this many new tokens (min = max)")
    int newTokens;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per workload and round (median reported)")
    int repeats;

    @picocli.CommandLine.Mixin
    AnchorOptions anchorOptions = new AnchorOptions();

    @Option(names = "--warmup-seconds", defaultValue = "8",
            description = "Untimed full runs per workload for at least this long first (at least one), so the JIT has "
                    + "compiled the decode loop, as JMH's warm-up; the first, cold run is reported too")
    double warmupSeconds;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of weights and prompts")
    long seed;

    @Option(names = "--skip-encoder", defaultValue = "false", description = "Skip the encoder-only workloads")
    boolean skipEncoder;

    @Option(names = "--weights", defaultValue = "fp32", split = ",",
            description = "fp32, or fp32,int8: then only the side-by-side comparison runs (b1 and b8, interleaved "
                    + "rounds on two copies of the same weights): tok/s, bytes and floor per step, greedy-token "
                    + "agreement and the change of teacher-forced log-likelihood")
    List<String> weights;

    @Option(names = "--model", paramLabel = "DIR",
            description = "With --weights fp32,int8: a Hugging Face checkpoint folder instead of random weights of "
                    + "--shape (e.g. the golden t5-tiny for quality). The comparison with the Python anchor always "
                    + "runs random weights of --shape")
    Path modelDir;

    @Option(names = "--int8-threads", defaultValue = "2", description = "Threads of the int8 kernels")
    int int8Threads;

    /** Stand-alone entry point until the lead wires the command into {@code ragtune bench}. */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new GenerateBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        if (weights.contains("int8")) {
            if (!weights.contains("fp32")) {
                throw new IllegalArgumentException("--weights int8 compares against fp32: give --weights fp32,int8");
            }
            Int8Comparison.run(this);
            return 0;
        }
        if (!weights.equals(List.of("fp32"))) {
            throw new IllegalArgumentException("--weights must be fp32 or fp32,int8, got " + weights);
        }
        if (modelDir != null) {
            throw new IllegalArgumentException("--model is for the fp32/int8 comparison (--weights fp32,int8); the "
                    + "fp32 bench and its Python anchor run random weights of --shape");
        }
        T5Config config = T5Config.forShape(shape);
        int rounds = anchorOptions.rounds();
        PythonAnchor anchor = anchorOptions.enabled() ? anchorOptions.start("generate.py", List.of("--shape", shape,
                "--threads", Integer.toString(threads), "--seed", Long.toString(seed)), threads) : null;
        System.out.printf("shape %s (d_model %d, %d heads, d_ff %d, %d+%d layers, vocab %d), fp32, %d threads, "
                        + "warm-up >= %.0f s then %d timed runs per workload (median)%n",
                shape, config.dModel(), config.numHeads(), config.dFf(), config.numLayers(),
                config.numDecoderLayers(), config.vocabSize(), threads, warmupSeconds, repeats);
        System.out.println("loadavg before: " + Machine.loadavg() + "; OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY")
                + " (on a shared machine, PASSIVE stops idle PyTorch threads from spinning)");
        try (T5Model model = T5Model.random(config, Device.cpu(), seed)) {
            if (anchor != null) {
                System.out.println("anchor: HF transformers generate / encoder (bench/python/generate.py), "
                        + "interleaved with ragtune round by round (" + rounds + " rounds)");
            }
            Seq2SeqGenerator gen = new Seq2SeqGenerator(model, null);
            GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(newTokens).withMinNewTokens(newTokens);
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int batch : new int[] {1, 8}) {
                List<long[]> prompts = prompts(rnd, batch, sourceLen, config.vocabSize());
                long w0 = System.nanoTime();
                gen.generateIds(prompts, cfg);
                double cold = (System.nanoTime() - w0) / 1e9;
                int warmups = 1;
                while ((System.nanoTime() - w0) / 1e9 < warmupSeconds) {
                    gen.generateIds(prompts, cfg);
                    warmups++;
                }
                double[] secs = new double[repeats * rounds];
                double[] cpu = new double[repeats * rounds];
                List<Double> anchorTps = new ArrayList<>();
                List<Double> anchorCpu = new ArrayList<>();
                long checksum = 0;
                for (int round = 0; round < rounds; round++) {
                    for (int r = round * repeats; r < (round + 1) * repeats; r++) {
                        long t0 = System.nanoTime();
                        long c0 = processCpuNanos();
                        GenerationResult res = gen.generateIds(prompts, cfg);
                        secs[r] = (System.nanoTime() - t0) / 1e9;
                        cpu[r] = (processCpuNanos() - c0) / 1e9;
                        checksum = checksum(res);
                        for (int row = 0; row < batch; row++) {
                            if (res.generated()[row] != newTokens) {
                                throw new IllegalStateException("row " + row + " generated " + res.generated()[row]);
                            }
                        }
                    }
                    if (anchor != null) {
                        var reply = anchor.ask(java.util.Map.of("op", "generate", "batch", batch, "source", sourceLen,
                                "new_tokens", newTokens, "repeats", repeats, "warmup_seconds", warmupSeconds));
                        anchorTps.add(PythonAnchor.number(reply, "new_tokens_per_s"));
                        anchorCpu.add(PythonAnchor.number(reply, "cpu_s_per_call"));
                    }
                }
                double median = median(secs);
                double tps = batch * newTokens / median;
                System.out.printf("greedy b%d src %d new %d: %.3f s/call wall (first, cold call %.3f s; then %d "
                                + "warm-up calls), %.3f CPU-s/call (%.1f new tok per CPU-second), %.1f new tok/s  "
                                + "ids checksum %016x  load %s%n", batch, sourceLen, newTokens, median, cold,
                        warmups - 1, median(cpu), batch * newTokens / median(cpu), tps, checksum, Machine.loadavg());
                if (anchor != null) {
                    System.out.println("  " + SideBySide.rate("greedy b" + batch + " src " + sourceLen + " new "
                            + newTokens + " (" + rounds + " interleaved rounds of " + repeats + " calls)",
                            "new tok/s", tps, SideBySide.median(anchorTps)).line());
                    System.out.println("  " + SideBySide.time("  CPU per call (all threads)", "CPU-s", median(cpu),
                            SideBySide.median(anchorCpu)).line());
                }
                if (batch == 1) {
                    weightFloor(model, prompts.get(0), median);
                }
            }
            if (!skipEncoder) {
                for (int len : new int[] {256, 512}) {
                    List<long[]> prompts = prompts(rnd, 8, len, config.vocabSize());
                    encodeOnce(model, prompts, len);
                    double[] secs = new double[repeats * rounds];
                    double[] cpu = new double[repeats * rounds];
                    List<Double> anchorTps = new ArrayList<>();
                    List<Double> anchorCpu = new ArrayList<>();
                    double sum = 0;
                    for (int round = 0; round < rounds; round++) {
                        for (int r = round * repeats; r < (round + 1) * repeats; r++) {
                            long t0 = System.nanoTime();
                            long c0 = processCpuNanos();
                            sum = encodeOnce(model, prompts, len);
                            secs[r] = (System.nanoTime() - t0) / 1e9;
                            cpu[r] = (processCpuNanos() - c0) / 1e9;
                        }
                        if (anchor != null) {
                            var reply = anchor.ask(java.util.Map.of("op", "encode", "batch", 8, "source", len,
                                    "repeats", repeats));
                            anchorTps.add(PythonAnchor.number(reply, "tokens_per_s"));
                            anchorCpu.add(PythonAnchor.number(reply, "cpu_s_per_call"));
                        }
                    }
                    double tps = 8.0 * len / median(secs);
                    System.out.printf("encoder 8x%d: %.0f tok/s wall, %.0f tok per CPU-second  output sum %.4f  "
                                    + "load %s%n", len, tps, 8.0 * len / median(cpu), sum, Machine.loadavg());
                    if (anchor != null) {
                        System.out.println("  " + SideBySide.rate("encoder 8x" + len, "tok/s", tps,
                                SideBySide.median(anchorTps)).line());
                        System.out.println("  " + SideBySide.time("  CPU per call (all threads)", "CPU-s", median(cpu),
                                SideBySide.median(anchorCpu)).line());
                    }
                }
            }
        } finally {
            if (anchor != null) {
                System.out.println("anchor versions: " + anchor.versions());
                anchor.close();
            }
        }
        System.out.println("peak RSS (VmHWM): " + status("VmHWM") + "; loadavg after: " + Machine.loadavg());
        return 0;
    }

    /**
     * What holds batch 1: one x·Wᵀ (GEMV) over every weight a decoding step reads (the decoder's q, k, v, o, cross
     * q and o, feed-forward and the lm_head; cross keys/values are computed once per request), timed alone with the
     * same threads. That is the fp32 floor of a step on this host today; the rest of a measured step is per-op
     * overhead (small ops, dispatch, Java).
     */
    private void weightFloor(T5Model model, long[] prompt, double callSeconds) {
        List<NDArray> weights = new ArrayList<>();
        long bytes = 0;
        for (var e : model.linears().entrySet()) {
            String n = e.getKey();
            if (n.startsWith("decoder.") && !n.endsWith("EncDecAttention.k") && !n.endsWith("EncDecAttention.v")) {
                weights.add(e.getValue().weight());
            }
        }
        weights.add(model.lmHeadWeight());
        for (NDArray w : weights) {
            bytes += w.size() * 4;
        }
        double[] sweeps = new double[15];
        double[] enc = new double[5];
        try (NDManager scope = model.manager().newSubManager()) {
            java.util.Map<Long, NDArray> inputs = new java.util.HashMap<>();
            for (NDArray w : weights) {
                inputs.computeIfAbsent(w.getShape().get(1), in -> scope.randomNormal(new Shape(1, in)));
            }
            for (int r = 0; r < sweeps.length + 3; r++) {
                long t0 = System.nanoTime();
                for (NDArray w : weights) {
                    NDArray in = inputs.get(w.getShape().get(1));
                    in.getNDArrayInternal().linear(in, w, null).singletonOrThrow().close();
                }
                if (r >= 3) {
                    sweeps[r - 3] = (System.nanoTime() - t0) / 1e9;
                }
            }
            for (int r = 0; r < enc.length; r++) {
                try (NDManager req = scope.newSubManager()) {
                    NDArray ids = req.create(prompt, new Shape(1, prompt.length)); // so the request's arrays stay in req
                    long t0 = System.nanoTime();
                    model.startDecoding(model.encodeForInference(ids, ids.onesLike()), null, newTokens + 1);
                    enc[r] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        double floor = median(sweeps);
        double start = median(enc);
        double step = (callSeconds - start) / newTokens;
        System.out.printf("  b1 breakdown: encoder + cross k/v %.1f ms; step %.2f ms, of which the fp32 weight floor "
                        + "(one GEMV over the %.0f MB a step reads, %.1f GB/s) is %.2f ms and per-op overhead %.2f ms; "
                        + "at the floor b1 would be %.0f new tok/s%n", start * 1e3, step * 1e3, bytes / 1e6,
                bytes / floor / 1e9, floor * 1e3, (step - floor) * 1e3, newTokens / (start + newTokens * floor));
    }

    private static double encodeOnce(T5Model model, List<long[]> prompts, int len) {
        long[] flat = new long[prompts.size() * len];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(prompts.get(i), 0, flat, i * len, len);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = scope.create(flat, new Shape(prompts.size(), len));
            return model.encodeForInference(ids, ids.onesLike()).lastHiddenState().sum().getFloat();
        }
    }

    static List<long[]> prompts(SplittableRandom rnd, int batch, int len, int vocab) {
        List<long[]> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            long[] p = new long[len];
            for (int i = 0; i < len - 1; i++) {
                p[i] = 3 + rnd.nextInt(Math.min(vocab, 32000) - 3);
            }
            p[len - 1] = 1;
            out.add(p);
        }
        return out;
    }

    static long checksum(GenerationResult r) {
        long h = 1125899906842597L;
        for (long[] row : r.sequences()) {
            for (long t : row) {
                h = 31 * h + t;
            }
        }
        return h;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** CPU time of this process (all threads), so a loaded machine can be told apart from slow code. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }


    static String status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            return "n/a";
        }
        return "n/a";
    }
}
