package dev.ragtune.model.generate;

import ai.djl.Device;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.t5.T5Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Child-process probe for {@link GenerationMemoryTest}: runs greedy generations on the tiny golden model and prints the
 * lowest VmRSS (kB) of each window of generations, one line per window. Run in a JVM whose heap is fixed and
 * pre-touched, so that VmRSS moves only with native memory. With {@code leak} as second argument it also leaks a
 * [8, 512] float tensor (16 kB, allocated by torch) per generation on purpose (calibration: the measure must see it).
 */
public final class GenerationLeakProbe {
    private GenerationLeakProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        boolean leak = args.length > 1 && args[1].equals("leak");
        int windows = 3;
        int perWindow = 400;
        try (T5Model model = T5Model.load(modelDir, Device.cpu())) {
            SafetensorsReader cases = SafetensorsReader.open(modelDir.resolve("cases.safetensors"));
            long[] flat = cases.readLongs("batch2.input_ids");
            int width = (int) cases.info("batch2.input_ids").shape()[1];
            List<long[]> prompt = List.of(Arrays.copyOfRange(flat, width, 2 * width));
            Seq2SeqGenerator generator = new Seq2SeqGenerator(model, null);
            GenerationConfig cfg = GenerationConfig.defaults().withMaxNewTokens(8).withMinNewTokens(8);
            for (int i = 0; i < 300; i++) { // warm-up: JIT, code cache and malloc arenas settle
                generator.generateIds(prompt, cfg);
            }
            for (int w = 0; w < windows; w++) {
                long floor = Long.MAX_VALUE;
                for (int i = 0; i < perWindow; i++) {
                    generator.generateIds(prompt, cfg);
                    if (leak) {
                        model.manager().ones(new ai.djl.ndarray.types.Shape(8, 512)).detach(); // allocated by torch, never closed
                    }
                    if (i % 10 == 9) {
                        floor = Math.min(floor, rssKb());
                    }
                }
                System.out.println("floor " + floor);
            }
        }
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
