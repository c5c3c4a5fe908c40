package dev.ragtune.app.bench;

import ai.djl.Device;
import dev.ragtune.model.generate.ForcedDecoding;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.quant.Int8Gemm;
import dev.ragtune.model.t5.T5Config;
import dev.ragtune.model.t5.T5Model;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code bench generate --weights fp32,int8}: fp32 and int8 decoding side by side in one run, on two copies of the
 * same weights, in interleaved rounds (the order alternates) so the machine's load falls on both alike. Reports
 * tok/s at batch 1 and 8 with the per-round ratio, each step's weight bytes and their floor at this run's measured
 * streaming-read bandwidth, and quality: greedy-token agreement with fp32 and, teacher-forced on fp32's own output,
 * argmax agreement and the change of log-likelihood.
 */
final class Int8Comparison {
    private Int8Comparison() {
    }

    static void run(GenerateBench o) {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        try (T5Model fp32 = open(o); T5Model int8 = open(o)) {
            int8.useInt8Decoder(o.int8Threads);
            float a = fp32.lmHeadWeight().sum().getFloat();
            float b = int8.lmHeadWeight().sum().getFloat();
            if (a != b) {
                throw new IllegalStateException("the two model copies differ (lm_head sums " + a + " vs " + b + ")");
            }
            T5Config c = fp32.config();
            System.out.printf("%s (d_model %d, %d heads, d_ff %d, %d+%d layers, vocab %d); fp32: %s, %d PyTorch "
                            + "threads; int8: %s; Java %s; %d processors%n",
                    o.modelDir != null ? o.modelDir : o.shape + " random weights", c.dModel(), c.numHeads(), c.dFf(),
                    c.numLayers(), c.numDecoderLayers(), c.vocabSize(), fp32.decodeDescription(), o.threads,
                    int8.decodeDescription(), Runtime.version(), Runtime.getRuntime().availableProcessors());
            System.out.println("loadavg before: " + Machine.loadavg() + (Int8Gemm.vectorApiAvailable() ? ""
                    : " (no jdk.incubator.vector in this JVM: scalar int8 kernel)"));
            double gbps = streamingReadGbps();
            System.out.printf("streaming read of a 256 MB array in Java, 2 threads: %.1f GB/s%n", gbps);
            for (T5Model m : new T5Model[] {fp32, int8}) {
                long bytes = m.decodeStepWeightBytes();
                double floorMs = bytes / gbps / 1e6;
                System.out.printf("  %-4s step reads %.1f MB of weights: floor %.2f ms at %.1f GB/s (%.0f tok/s "
                        + "ceiling at b1)%n", m == fp32 ? "fp32" : "int8", bytes / 1e6, floorMs, gbps, 1e3 / floorMs);
            }
            Seq2SeqGenerator g32 = new Seq2SeqGenerator(fp32, null);
            Seq2SeqGenerator g8 = new Seq2SeqGenerator(int8, null);
            GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(o.newTokens)
                    .withMinNewTokens(o.newTokens);
            SplittableRandom rnd = new SplittableRandom(o.seed);
            List<long[]> qualityPrompts = null;
            for (int batch : new int[] {1, 8}) {
                List<long[]> prompts = GenerateBench.prompts(rnd, batch, o.sourceLen, c.vocabSize());
                if (batch == 8) {
                    qualityPrompts = prompts;
                }
                long w0 = System.nanoTime();
                int warmups = 0;
                do {
                    g32.generateIds(prompts, cfg);
                    g8.generateIds(prompts, cfg);
                    warmups++;
                } while ((System.nanoTime() - w0) / 1e9 < o.warmupSeconds);
                double[] s32 = new double[o.repeats];
                double[] s8 = new double[o.repeats];
                double[] ratio = new double[o.repeats];
                for (int r = 0; r < o.repeats; r++) {
                    boolean int8First = r % 2 == 1;
                    if (int8First) {
                        s8[r] = time(g8, prompts, cfg);
                        s32[r] = time(g32, prompts, cfg);
                    } else {
                        s32[r] = time(g32, prompts, cfg);
                        s8[r] = time(g8, prompts, cfg);
                    }
                    ratio[r] = s32[r] / s8[r];
                }
                double tokens = (double) batch * o.newTokens;
                System.out.printf("greedy b%d src %d new %d (%d warm-up rounds, %d timed interleaved rounds, median):"
                                + " fp32 %.1f tok/s, int8 %.1f tok/s, int8/fp32 %.2fx (per-round ratios %s)  load %s%n",
                        batch, o.sourceLen, o.newTokens, warmups, o.repeats, tokens / GenerateBench.median(s32),
                        tokens / GenerateBench.median(s8), GenerateBench.median(ratio), fmt(ratio), Machine.loadavg());
            }
            quality(fp32, int8, qualityPrompts, o.newTokens);
        }
        System.out.println("peak RSS (VmHWM): " + GenerateBench.status("VmHWM") + "; loadavg after: "
                + Machine.loadavg());
    }

    private static T5Model open(GenerateBench o) {
        return o.modelDir != null ? T5Model.load(o.modelDir, Device.cpu())
                : T5Model.random(T5Config.forShape(o.shape), Device.cpu(), o.seed);
    }

    private static double time(Seq2SeqGenerator g, List<long[]> prompts, GenerationConfig cfg) {
        long t0 = System.nanoTime();
        GenerationResult r = g.generateIds(prompts, cfg);
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.sequences().length != prompts.size()) {
            throw new IllegalStateException("lost rows");
        }
        return s;
    }

    /**
     * Greedy ids of both on the same prompts (free-running: tokens equal before each row's first divergence), then
     * teacher-forced on fp32's ids: how often int8's argmax is fp32's, and the mean log-likelihood change per token.
     */
    private static void quality(T5Model fp32, T5Model int8, List<long[]> prompts, int newTokens) {
        GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(newTokens);
        GenerationResult a = new Seq2SeqGenerator(fp32, null).generateIds(prompts, cfg);
        GenerationResult b = new Seq2SeqGenerator(int8, null).generateIds(prompts, cfg);
        int prefix = 0;
        int positional = 0;
        int total = 0;
        int forcedAgree = 0;
        int forcedTotal = 0;
        double ll32 = 0;
        double ll8 = 0;
        for (int row = 0; row < prompts.size(); row++) {
            long[] x = a.generatedIds(row);
            long[] y = b.generatedIds(row);
            int t = 0;
            while (t < Math.min(x.length, y.length) && x[t] == y[t]) {
                t++;
            }
            prefix += t;
            for (int k = 0; k < x.length; k++) {
                positional += k < y.length && x[k] == y[k] ? 1 : 0;
            }
            total += x.length;
            float[][] p32 = ForcedDecoding.logProbs(fp32, prompts.get(row), x);
            float[][] p8 = ForcedDecoding.logProbs(int8, prompts.get(row), x);
            for (int k = 0; k < x.length; k++) {
                forcedAgree += ForcedDecoding.argmax(p32[k]) == ForcedDecoding.argmax(p8[k]) ? 1 : 0;
                ll32 += p32[k][(int) x[k]];
                ll8 += p8[k][(int) x[k]];
                forcedTotal++;
            }
        }
        System.out.printf("quality on %d prompts, fp32 greedy output (%d tokens): free-running int8 equals fp32 on "
                        + "%d tokens before the first divergence (%.1f%%), %d positionally (%.1f%%); teacher-forced "
                        + "argmax agreement %.2f%% (%d/%d); log-likelihood per token fp32 %.4f, int8 %.4f (change "
                        + "%+.4f)%n", prompts.size(), total, prefix, 100.0 * prefix / total, positional,
                100.0 * positional / total, 100.0 * forcedAgree / forcedTotal, forcedAgree, forcedTotal,
                ll32 / forcedTotal, ll8 / forcedTotal, (ll8 - ll32) / forcedTotal);
    }

    /** GB/s of summing a 256 MB long[] on two threads, best of 5 (after one untimed pass). */
    private static double streamingReadGbps() {
        long[] data = new long[32 << 20];
        Arrays.fill(data, 1L);
        double best = 0;
        for (int r = 0; r < 6; r++) {
            long t0 = System.nanoTime();
            long sum = IntStream.range(0, 2).parallel().mapToLong(part -> {
                long s = 0;
                int from = part * (data.length / 2);
                int to = from + data.length / 2;
                for (int i = from; i < to; i++) {
                    s += data[i];
                }
                return s;
            }).sum();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (sum != data.length) {
                throw new IllegalStateException("bad sum");
            }
            if (r > 0) {
                best = Math.max(best, 8.0 * data.length / secs / 1e9);
            }
        }
        return best;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.2f", v[i]));
        }
        return b.append(']').toString();
    }
}
