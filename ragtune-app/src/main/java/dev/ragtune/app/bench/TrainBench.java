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
import dev.ragtune.model.train.TrainingConfig;
import dev.ragtune.model.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * LoRA training throughput (forward, loss, backward, clipping, AdamW step — the real {@link Trainer} loop) on
 * random-weight FLAN-T5 shapes, beside the HF transformers + PEFT anchors (shared/anchors/t5_pytorch.md): fixed
 * shapes (batch 8 × source 256 / 512, target 32, r 8, q,v) and the real SQuAD length mix with plain dynamic padding
 * vs length-grouped batches. Prints examples/s, peak RSS of each workload, the training loss reached and
 * /proc/loadavg.
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Benchmark LoRA fine-tuning steps of T5 on random weights (fixed shapes and SQuAD lengths).")
public final class TrainBench implements Callable<Integer> {
    private static final double ANCHOR_256 = 1.24;
    private static final double ANCHOR_512 = 0.58;
    private static final double ANCHOR_RSS_256_GB = 3.2;
    private static final double ANCHOR_RSS_512_GB = 5.9;

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

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, ids and sampling")
    long seed;

    @Override
    public Integer call() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        T5Config config = T5Config.forShape(shape);
        boolean small = shape.equals("flan-t5-small");
        System.out.printf(Locale.ROOT, "LoRA training bench: %s (d_model %d, %d heads, d_ff %d, %d+%d layers, vocab %d),"
                        + " fp32, %d threads, batch %d, r 8, alpha 16, dropout 0.05, q,v, AdamW, clip 1.0%n", shape,
                config.dModel(), config.numHeads(), config.dFf(), config.numLayers(), config.numDecoderLayers(),
                config.vocabSize(), threads, batch);
        System.out.println("loadavg before: " + Machine.loadavg());
        try (T5Model model = T5Model.random(config, Device.cpu(), seed)) {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int src : sources) {
                List<TokenizedExample> data = new ArrayList<>();
                for (int i = 0; i < (steps + 1) * batch; i++) {
                    data.add(new TokenizedExample(ids(rnd, src, config.vocabSize()),
                            ids(rnd, target, config.vocabSize()), List.of("")));
                }
                resetPeakRss();
                double exPerSecProjected;
                Run r = run(model, data, BatchOrder.Mode.PLAIN);
                double exPerSec = batch / median(r.stepSeconds.subList(1, r.stepSeconds.size()));
                double rssGb = peakRssGb();
                double cpuPerStep = median(r.cpuSeconds.subList(1, r.cpuSeconds.size()));
                System.out.printf(Locale.ROOT, "fixed  b%d x src %d x tgt %d: %.2f examples/s (median step %.2f s"
                                + " of %d timed), peak RSS %.2f GB, loss first %.4f last %.4f%n", batch, src, target,
                        exPerSec, batch / exPerSec, steps, rssGb, r.losses.get(0), r.losses.get(r.losses.size() - 1));
                System.out.printf(Locale.ROOT, "       CPU time %.2f s per step (all threads): %.2f examples/s if the"
                        + " %d threads had their cores to themselves (load-independent projection)%n", cpuPerStep,
                        batch / (cpuPerStep / threads), threads);
                exPerSecProjected = batch / (cpuPerStep / threads);
                if (small && (src == 256 || src == 512) && batch == 8 && target == 32) {
                    double anchor = src == 256 ? ANCHOR_256 : ANCHOR_512;
                    double anchorRss = src == 256 ? ANCHOR_RSS_256_GB : ANCHOR_RSS_512_GB;
                    System.out.printf(Locale.ROOT, "       vs HF+PEFT anchor %.2f examples/s (quiet machine): measured"
                            + " %.2fx, projected %.2fx; memory %.2f GB vs %.1f GB; projected vs ~3 examples/s at"
                            + " libtorch's matmul rate: %.0f%%%n", anchor, exPerSec / anchor,
                            exPerSecProjected / anchor, rssGb, anchorRss, 100 * exPerSecProjected / 3.0);
                }
                System.out.println("       loadavg: " + Machine.loadavg());
            }
            if (squad != null) {
                squadMix(model);
            }
        }
        return 0;
    }

    private void squadMix(T5Model model) throws IOException {
        if (tokenizer == null) {
            System.err.println("--squad needs --tokenizer (FLAN-T5 tokenizer.json)");
            return;
        }
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
            Run r = run(model, data, mode);
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
        System.out.printf(Locale.ROOT, "SQuAD length-grouped / plain: measured %.2fx, projected %.2fx;"
                + " length-grouped vs HF+PEFT fixed-256 anchor (%.2f examples/s): measured %.2fx, projected %.2fx%n",
                rates[1] / rates[0], projected[1] / projected[0], ANCHOR_256, rates[1] / ANCHOR_256,
                projected[1] / ANCHOR_256);
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

    private Run run(T5Model model, List<TokenizedExample> data, BatchOrder.Mode mode) throws IOException {
        Path out = Files.createTempDirectory("ragtune-trainbench");
        List<Double> secs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        long[] last = {System.nanoTime()};
        double[] lastCpu = {processCpuSeconds()};
        TrainingConfig cfg = new TrainingConfig(1, batch, 2e-4, 1, 1.0, 0.0, 0.0, seed, Integer.MAX_VALUE, mode, 0);
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
