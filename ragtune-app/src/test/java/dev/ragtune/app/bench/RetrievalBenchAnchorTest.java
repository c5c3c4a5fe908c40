package dev.ragtune.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.app.cli.CliTest;
import dev.ragtune.app.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragtune bench retrieval --anchor} end to end on small random vectors with a fake "python" (a shell script
 * answering the protocol with fixed numbers): the anchor is asked once per round, its medians are printed beside
 * ragtune's, and each ratio divides ragtune's number by the anchor's from this very run.
 */
class RetrievalBenchAnchorTest {
    @TempDir Path tmp;
    Path vectors;
    Path queries;

    static float[][] unitVectors(Random rnd, int n, int d) {
        float[][] v = new float[n][d];
        for (float[] row : v) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                row[j] = (float) rnd.nextGaussian();
                norm += row[j] * row[j];
            }
            for (int j = 0; j < d; j++) row[j] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @BeforeEach
    void vectors() throws IOException {
        Random rnd = new Random(7);
        vectors = tmp.resolve("base.fvecs");
        queries = tmp.resolve("queries.fvecs");
        Fvecs.write(vectors, unitVectors(rnd, 400, 16));
        Fvecs.write(queries, unitVectors(rnd, 20, 16));
    }

    String[] bench(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("bench", "retrieval", "--vectors", vectors.toString(),
                "--queries", queries.toString(), "--n", "400", "--nq", "20", "--k", "5", "--only", "flat",
                "--qps-seconds", "0.05", "--threads", "2"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void theAnchorRunsInterleavedAndEveryRatioUsesItsNumbersFromThisRun() throws IOException {
        Path requests = tmp.resolve("requests.log");
        // p50 1000 ms in odd rounds, 3000 in even ones: the printed anchor p50 must be their median, 2000
        Path python = PythonAnchorTest.fakePython(tmp, "n=0\nwhile IFS= read -r line; do\n"
                + "  echo \"$line\" >> '" + requests + "'\n"
                + "  case \"$line\" in\n"
                + "    *'\"op\":\"build\"'*) echo '{\"build_s\": 5.0, \"versions\": {\"faiss-cpu\": \"0.0-fake\"}}' ;;\n"
                + "    *) n=$((n+1)); if [ $((n % 2)) -eq 1 ]; then p=1000; else p=3000; fi\n"
                + "       echo \"{\\\"recall\\\": 0.5, \\\"p50_ms\\\": $p, \\\"p99_ms\\\": 4000, \\\"p50_thread_cpu_ms\\\": 900,"
                + " \\\"batch_qps_2t\\\": 7, \\\"batch_qps_1t\\\": 5, \\\"versions\\\": {\\\"faiss-cpu\\\": \\\"0.0-fake\\\"}}\" ;;\n"
                + "  esac\ndone");
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Files.writeString(scripts.resolve("retrieval.py"), "# the fake ignores its script\n");

        Run r = CliTest.run(bench("--anchor", python.toString(), "--anchor-scripts", scripts.toString(), "--rounds", "2"));

        assertThat(r.code()).as(r.err() + r.out()).isZero();
        List<String> sent = Files.readAllLines(requests);
        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 2)).allMatch(l -> l.contains("\"op\":\"build\"") && l.contains("\"index\":\"flat\""));
        assertThat(sent.subList(2, 4)).allMatch(l -> l.contains("\"op\":\"search\""));
        assertThat(r.out()).contains("| FAISS | 0.500 | 2000.000 | 4000.000 | 900.000 | 7 (batch) | 5 | |");

        Matcher ours = Pattern.compile("\\| flat \\(exact\\) \\| ([^|]*\\(default on this JVM\\)) \\| ragtune \\| "
                + "([0-9.]+) \\| ([0-9.]+) \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9]+) \\|").matcher(r.out());
        assertThat(ours.find()).as(r.out()).isTrue();
        double p50 = Double.parseDouble(ours.group(3));
        double qps = Double.parseDouble(ours.group(4));
        String expected = String.format(Locale.ROOT, "| flat (exact) | %s | %s / 0.500 | %.2fx | %.2fx | %.2fx |",
                ours.group(1), ours.group(2), 2000 / p50, qps / 7, qps / (2 * 5.0));
        // the printed ratios come from unrounded values; recompute from the rounded ones within a rounding step
        Matcher ratio = Pattern.compile("\\| flat \\(exact\\) \\| [^|]* \\| ([0-9.]+) / 0\\.500 \\| ([0-9.]+)x \\| "
                + "([0-9.]+)x \\| ([0-9.]+)x \\|").matcher(r.out());
        assertThat(ratio.find()).as("ratio row like " + expected + " in\n" + r.out()).isTrue();
        // p50 is printed to 0.001 ms: the ratio lies within what that rounding allows (and the printed 2 decimals)
        assertThat(Double.parseDouble(ratio.group(2))).isBetween(2000 / (p50 + 0.0005) - 0.005,
                p50 > 0.0005 ? 2000 / (p50 - 0.0005) + 0.005 : Double.MAX_VALUE);
        assertThat(Double.parseDouble(ratio.group(3))).isCloseTo(qps / 7, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(Double.parseDouble(ratio.group(4))).isCloseTo(qps / 10, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(r.out()).containsPattern("build flat \\{index=flat\\} \\(FAISS on 2 threads\\): ragtune [0-9.e-]+ s, "
                + "anchor 5\\.00 s -> ragtune [0-9.]+x");
        assertThat(r.out()).contains("anchor versions: {\"faiss-cpu\":\"0.0-fake\"}");
    }

    @Test
    void withoutAnchorOnlyRagtunesNumbersArePrinted() {
        Run r = CliTest.run(bench());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| flat (exact) |").contains("| ragtune |")
                .doesNotContain("FAISS |").doesNotContain("ragtune vs").doesNotContainPattern("[0-9]x");
    }

    @Test
    void anUnknownIndexOrANonPositiveCountIsOneLineBeforeAnyWork() {
        Run only = CliTest.run(bench("--only", "bogus"));
        assertThat(only.code()).isEqualTo(1);
        assertThat(only.out()).isEmpty();
        assertThat(only.err().strip()).isEqualTo("ragtune retrieval: --only: unknown index bogus; choose from flat,ivf,hnsw");
        Run n = CliTest.run("bench", "retrieval", "--vectors", vectors.toString(), "--queries", queries.toString(),
                "--n", "-5", "--only", "flat");
        assertThat(n.code()).isEqualTo(1);
        assertThat(n.err().strip()).startsWith("ragtune retrieval: --threads, --k, --n and --nq must be at least 1");
    }

    @Test
    void aBrokenAnchorIsOneLineNamingTheSetupScript() throws IOException {
        Path python = PythonAnchorTest.fakePython(tmp, "echo 'No module named faiss' >&2; exit 1");
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Files.writeString(scripts.resolve("retrieval.py"), "#\n");
        Run r = CliTest.run(bench("--anchor", python.toString(), "--anchor-scripts", scripts.toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("ragtune retrieval: anchor retrieval.py")
                .contains("No module named faiss").contains("bench/python/setup.sh");
    }
}
