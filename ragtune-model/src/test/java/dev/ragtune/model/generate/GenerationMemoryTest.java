package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.model.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native memory over many generations, measured in a child JVM whose heap is fixed and pre-touched (so VmRSS moves only
 * with native memory), by the floor (lowest sample) of each window: jitter lifts samples for a moment, a leak lifts
 * the floor for good. The calibration case leaks 16 kB per generation on purpose and must be seen (measured here:
 * +6 MB per window with it, +0.1 MB without).
 */
class GenerationMemoryTest {
    private static final int PER_WINDOW = 400;

    private static long[] floors(boolean leak) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                // one PyTorch thread: OpenMP's spinning workers crawl when the machine is busy (a loaded CI host)
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                GenerationLeakProbe.class.getName(), Golden.tinyModel().toString()));
        if (leak) {
            cmd.add("leak");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        // glibc: two arenas, no trimming and no mmap for big blocks, so freed memory stays resident and VmRSS only
        // rises when more is held than ever before (C1 only: the C2 compiler's own memory moved VmRSS by ~9 MB)
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("MALLOC_TRIM_THRESHOLD_", "1000000000");
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", "1000000000");
        pb.environment().put("MALLOC_TOP_PAD_", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
        assertThat(p.exitValue()).as("probe exit code; output:\n" + out).isZero();
        return out.lines().filter(l -> l.startsWith("floor ")).mapToLong(l -> Long.parseLong(l.substring(6))).toArray();
    }

    @Test
    void generationsDoNotRaiseTheNativeMemoryFloor() throws Exception {
        long[] f = floors(false);
        assertThat(f).hasSize(3);
        // leaking only the [1, 512] logits of each of the 8 steps would lift each window's floor by 400 x 16 kB = 6.4 MB
        assertThat(f[2] - f[1]).as("floor growth in kB over the last window of " + PER_WINDOW + " generations")
                .isLessThan(3_000);
    }

    @Test
    void theProbeSeesALeakOfSixteenKilobytesPerGeneration() throws Exception {
        long[] f = floors(true);
        assertThat(f).hasSize(3);
        assertThat(f[2] - f[1]).as("floor growth in kB with a deliberate 16 kB leak per generation")
                .isGreaterThan(3_000);
    }
}
