package dev.ragtune.app.bench;

import ai.djl.Device;
import dev.ragtune.app.wiring.TokenizerCodec;
import dev.ragtune.model.data.BatchOrder;
import dev.ragtune.model.data.DataSlice;
import dev.ragtune.model.data.ExampleEncoder;
import dev.ragtune.model.data.PromptTemplate;
import dev.ragtune.model.data.QaDatasetReader;
import dev.ragtune.model.data.QaExample;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.io.FileTrees;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.lora.LoraConfig;
import dev.ragtune.model.t5.T5Config;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import dev.ragtune.model.train.Trainer;
import dev.ragtune.model.train.Precision;
import dev.ragtune.model.train.TrainingConfig;
import dev.ragtune.model.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * LoRA training throughput (forward, loss, backward, clipping, AdamW step — the real {@link Trainer} loop) on
 * random-weight FLAN-T5 shapes: fixed shapes (batch 8 × source 256 / 512, target 32, r 8, q,v) and the real SQuAD
 * length mix with plain dynamic padding vs length-grouped batches. Prints examples/s, peak RSS of each workload, the
 * training loss reached and /proc/loadavg. With {@code --anchor PYTHON} HF transformers + PEFT
 * ({@code bench/python/train.py}) trains the same fixed shapes in the same command, interleaved round by round.
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Benchmark LoRA fine-tuning steps of T5 on random weights (fixed shapes and SQuAD lengths).")
public final class TrainBench implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "flan-t5-small", description = "flan-t5-small or flan-t5-base")
    String shape;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads")
    int threads;

    @Option(names = "--sources", defaultValue = "256,512", split = ",", description = "Fixed source lengths")
    int[] sources;

    @Option(names = "--target", defaultValue = "32", description = "Target tokens (fixed shapes)")
    int target;

    @Option(names = "--batch-size", defaultValue = "8", description = "Examples per step")
    int batch;

    @Option(names = "--steps", defaultValue = "3", description = "Timed steps per fixed shape (after 1 warm-up)")
    int steps;

    @Option(names = "--squad", description = "SQuAD v1.1 JSON for the real length mix (skipped when absent)")
    Path squad;

    @Option(names = "--tokenizer", description = "Folder or tokenizer.json of FLAN-T5 (for --squad)")
    Path tokenizer;

    @Option(names = "--squad-examples", defaultValue = "96", description = "SQuAD examples per batching mode")
    int squadExamples;

    @Option(names = "--max-source", defaultValue = "512", description = "Truncation of SQuAD prompts")
    int maxSource;

    @Option(names = "--precision", defaultValue = "fp32", split = ",",
            description = "fp32 and/or bf16 (autocast; the anchor runs HF under torch.autocast bf16), interleaved")
    List<String> precisions;

    @Option(names = "--skip-bf16-check", defaultValue = "false",
            description = "Run bf16 even if /proc/cpuinfo shows no bf16 instructions")
    boolean skipBf16Check;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, ids and sampling")
    long seed;

    @picocli.CommandLine.Mixin
    AnchorOptions anchorOptions = new AnchorOptions();

    @Override
    public Integer call() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        T5Config config = T5Config.forShape(shape);
        int rounds = anchorOptions.rounds();
        List<Precision> arithmetics = precisions.stream().map(Precision::parse).distinct().toList();
        if (arithmetics.contains(Precision.BF16) && !skipBf16Check) {
            Precision.requireBf16Cpu(Path.of("/proc/cpuinfo"));
        }
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, was " + steps);
        }
        if (squad != null && tokenizer == null) {
            throw new IllegalArgumentException("--squad needs --tokenizer (FLAN-T5 tokenizer.json or its folder)");
        }
        if (squad != null && !Files.isRegularFile(squad)) {
            throw new IllegalArgumentException("--squad " + squad + " is not a file; give a SQuAD v1.1 JSON file");
        }
        if (tokenizer != null && !Files.exists(tokenizer)) {
            throw new IllegalArgumentException("--tokenizer " + tokenizer + " does not exist");
        }
        System.out.printf(Locale.ROOT, "LoRA training bench: %s (d_model %d, %d heads, d_ff %d, %d+%d layers, vocab %d),"
                        + " %s, %d threads, batch %d, r 8, alpha 16, dropout 0.05, q,v, AdamW, clip 1.0; %d round(s)"
                        + " of 1 warm-up + %d timed steps per shape%n", shape,
                config.dModel(), config.numHeads(), config.dFf(), config.numLayers(), config.numDecoderLayers(),
                config.vocabSize(), arithmetics.stream().map(Precision::cliName).toList(), threads, batch, rounds,
                steps);
        System.out.println("loadavg before: " + Machine.loadavg() + "; OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY"));
        PythonAnchor anchor = anchorOptions.enabled() ? anchorOptions.start("train.py", List.of("--shape", shape,
                "--threads", Integer.toString(threads), "--seed", Long.toString(seed)), threads) : null;
        try (T5Model model = T5Model.random(config, Device.cpu(), seed)) {
            if (anchor != null) {
                System.out.println("anchor: HF transformers + PEFT (bench/python/train.py) on the same shapes, "
                        + "interleaved with ragtune round by round");
            }
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int src : sources) {
                Map<Precision, List<Double>> ours = new EnumMap<>(Precision.class);
                Map<Precision, List<Double>> theirs = new EnumMap<>(Precision.class);
                Map<Precision, List<Double>> oursCpu = new EnumMap<>(Precision.class);
                Map<Precision, List<Double>> theirsCpu = new EnumMap<>(Precision.class);
                for (Precision p : arithmetics) {
                    ours.put(p, new ArrayList<>());
                    theirs.put(p, new ArrayList<>());
                    oursCpu.put(p, new ArrayList<>());
                    theirsCpu.put(p, new ArrayList<>());
                }
                for (int round = 1; round <= rounds; round++) {
                    List<TokenizedExample> data = new ArrayList<>();
                    for (int i = 0; i < (steps + 1) * batch; i++) {
                        data.add(new TokenizedExample(ids(rnd, src, config.vocabSize()),
                                ids(rnd, target, config.vocabSize()), List.of("")));
                    }
                    for (Precision p : arithmetics) {
                        resetPeakRss();
                        Run r = run(model, data, BatchOrder.Mode.PLAIN, p);
                        double exPerSec = batch / median(r.stepSeconds.subList(1, r.stepSeconds.size()));
                        ours.get(p).add(exPerSec);
                        double rssGb = peakRssGb();
                        double cpuPerStep = median(r.cpuSeconds.subList(1, r.cpuSeconds.size()));
                        oursCpu.get(p).add(cpuPerStep);
                        System.out.printf(Locale.ROOT, "round %d ragtune %s b%d x src %d x tgt %d: %.2f examples/s"
                                        + " (median step %.2f s of %d timed), peak RSS %.2f GB, loss first %.4f last"
                                        + " %.4f; CPU %.2f s per step (all threads); loadavg %s%n", round, p.cliName(),
                                batch, src, target, exPerSec, batch / exPerSec, steps, rssGb, r.losses.get(0),
                                r.losses.get(r.losses.size() - 1), cpuPerStep, Machine.loadavg());
                        if (anchor != null) {
                            var reply = anchor.ask(java.util.Map.of("op", "train", "source", src, "target", target,
                                    "batch", batch, "steps", steps, "precision", p.cliName()));
                            theirs.get(p).add(PythonAnchor.number(reply, "examples_per_s"));
                            theirsCpu.get(p).add(PythonAnchor.number(reply, "cpu_s_per_step"));
                            System.out.printf(Locale.ROOT, "round %d anchor  %s b%d x src %d x tgt %d: %.2f"
                                            + " examples/s, CPU %.2f s per step, peak RSS %.2f GB, loss first %.4f last"
                                            + " %.4f; loadavg %s%n", round, p.cliName(), batch, src, target,
                                    PythonAnchor.number(reply, "examples_per_s"),
                                    PythonAnchor.number(reply, "cpu_s_per_step"),
                                    PythonAnchor.number(reply, "peak_rss_mb") / 1024,
                                    PythonAnchor.number(reply, "loss_first"), PythonAnchor.number(reply, "loss_last"),
                                    Machine.loadavg());
                        }
                    }
                }
                for (Precision p : arithmetics) {
                    if (anchor != null) {
                        System.out.println("  " + SideBySide.rate("LoRA step " + p.cliName() + " b" + batch
                                + " x src " + src + " x tgt " + target + " (medians of " + rounds + " rounds)",
                                "examples/s", median(ours.get(p)), median(theirs.get(p))).line());
                        System.out.println("  " + SideBySide.time("  CPU per step (all threads; less distorted by a"
                                + " crowded machine)", "CPU-s", median(oursCpu.get(p)), median(theirsCpu.get(p)))
                                .line());
                    } else {
                        System.out.printf(Locale.ROOT, "  %s b%d x src %d: %.2f examples/s (median of %d rounds)%n",
                                p.cliName(), batch, src, median(ours.get(p)), rounds);
                    }
                }
                if (arithmetics.contains(Precision.FP32) && arithmetics.contains(Precision.BF16)) {
                    System.out.printf(Locale.ROOT, "  ragtune bf16 / fp32 at src %d: %.2fx examples/s, CPU per step"
                                    + " %.2fx less%n", src, median(ours.get(Precision.BF16)) / median(ours.get(Precision.FP32)),
                            median(oursCpu.get(Precision.FP32)) / median(oursCpu.get(Precision.BF16)));
                }
            }
            if (squad != null) {
                squadMix(model);
            }
        } finally {
            if (anchor != null) {
                System.out.println("anchor versions: " + anchor.versions());
                anchor.close();
            }
        }
        return 0;
    }

    /** The real length mix of {@code --squad} (checked with {@code --tokenizer} before any step runs). */
    private void squadMix(T5Model model) throws IOException {
        List<QaExample> all = QaDatasetReader.read(squad, DataSlice.ALL, PromptTemplate.DEFAULT);
        List<QaExample> sample = new ArrayList<>(all);
        Collections.shuffle(sample, new Random(seed));
        sample = sample.subList(0, Math.min(squadExamples, sample.size()));
        List<TokenizedExample> data;
        try (T5Tokenizer tok = T5Tokenizer.load(tokenizer)) {
            data = new ExampleEncoder(new TokenizerCodec(tok), maxSource, 64, 1).encode(sample, squad.toString()).examples();
        }
        long real = data.stream().mapToLong(e -> e.source().length).sum();
        System.out.printf(Locale.ROOT, "SQuAD mix: %d examples from %s, mean source %.0f tokens (max %d after"
                        + " truncation to %d), mean target %.1f%n", data.size(), squad.getFileName(),
                (double) real / data.size(), data.stream().mapToInt(e -> e.source().length).max().orElse(0), maxSource,
                data.stream().mapToInt(e -> e.target().length).average().orElse(0));
        double[] rates = new double[2];
        double[] projected = new double[2];
        int k = 0;
        for (BatchOrder.Mode mode : new BatchOrder.Mode[] {BatchOrder.Mode.PLAIN, BatchOrder.Mode.GROUP_BY_LENGTH}) {
            List<int[]> order = BatchOrder.batches(data, batch, seed, 0, mode);
            long padded = 0;
            for (int[] b : order) {
                padded += (long) batch * Arrays.stream(b).map(i -> data.get(i).source().length).max().orElse(0);
            }
            resetPeakRss();
            Run r = run(model, data, mode, Precision.FP32);
            double total = r.stepSeconds.stream().mapToDouble(Double::doubleValue).sum();
            double cpuTotal = r.cpuSeconds.stream().mapToDouble(Double::doubleValue).sum();
            rates[k] = data.size() / total;
            projected[k++] = data.size() / (cpuTotal / threads);
            System.out.printf(Locale.ROOT, "SQuAD %-15s: %.2f examples/s (%d steps, %.1f s; CPU %.1f s -> %.2f"
                            + " examples/s projected), padded source tokens %d for %d real (%.0f%% padding), peak RSS"
                            + " %.2f GB, mean loss %.4f, last %.4f%n",
                    mode == BatchOrder.Mode.PLAIN ? "plain padding" : "length-grouped", data.size() / total,
                    r.stepSeconds.size(), total, cpuTotal, projected[k - 1], padded, real,
                    100.0 * (padded - real) / padded, peakRssGb(),
                    r.losses.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    r.losses.get(r.losses.size() - 1));
            System.out.println("       loadavg: " + Machine.loadavg());
        }
        System.out.printf(Locale.ROOT, "SQuAD length-grouped / plain: measured %.2fx, projected %.2fx%n",
                rates[1] / rates[0], projected[1] / projected[0]);
    }

    /** Timing of one {@link Trainer#fit} over {@code data}: seconds per optimizer step and its loss. */
    record Run(List<Double> stepSeconds, List<Double> losses, List<Double> cpuSeconds) {
    }

    /** CPU seconds (user + system, all threads) this process has used, from /proc/self/stat (ticks of 1/100 s). */
    static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private Run run(T5Model model, List<TokenizedExample> data, BatchOrder.Mode mode, Precision precision)
            throws IOException {
        Path out = Files.createTempDirectory("ragtune-trainbench");
        List<Double> secs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        long[] last = {System.nanoTime()};
        double[] lastCpu = {processCpuSeconds()};
        TrainingConfig cfg = new TrainingConfig(1, batch, 2e-4, 1, 1.0, 0.0, 0.0, seed, Integer.MAX_VALUE, mode, 0,
                precision);
        try (LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(8, 16, 0.05, List.of("q", "v"),
                shape), seed)) {
            last[0] = System.nanoTime();
            lastCpu[0] = processCpuSeconds();
            new Trainer(adapter, cfg, null, new TrainingListener() {
                @Override
                public void onOptimizerStep(long step, double loss) {
                    long now = System.nanoTime();
                    secs.add((now - last[0]) / 1e9);
                    losses.add(loss);
                    last[0] = now;
                    double c = processCpuSeconds();
                    cpu.add(c - lastCpu[0]);
                    lastCpu[0] = c;
                }
            }).fit(data, List.of(), out, false);
        } finally {
            FileTrees.delete(out);
        }
        return new Run(secs, losses, cpu);
    }

    private static long[] ids(SplittableRandom rnd, int len, int vocab) {
        long[] a = new long[len];
        for (int i = 0; i < len - 1; i++) {
            a[i] = 2 + rnd.nextInt(vocab - 2);
        }
        a[len - 1] = 1;
        return a;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Resets VmHWM (Linux ≥ 4.0: writing 5 to clear_refs), so each workload reports its own peak. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux or not permitted: the peak is then the process-wide peak
        }
    }

    private static double peakRssGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

}
