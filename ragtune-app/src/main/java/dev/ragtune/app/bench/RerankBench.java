package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.hub.ModelLocator;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of {@link CrossEncoderReranker} by batch size, with the quality it keeps: on SQuAD questions, each
 * question's gold paragraph is hidden among other paragraphs of its article and re-ranked; reports pairs/s, real
 * (unpadded) tokens/s, MRR@10 and top-1 of the gold paragraph, the largest score difference to batch size 1, and,
 * when the model folder holds a golden {@code expected.json}, the largest difference to PyTorch's logits.
 */
@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = "Benchmark the cross-encoder re-ranker (pairs/s, tokens/s, MRR@10) by batch size.")
public final class RerankBench implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR|ORG/NAME",
            description = "cross-encoder ONNX folder or a pulled hub id")
    String model;

    @Option(names = "--squad", required = true, paramLabel = "FILE", description = "SQuAD v1.1 JSON")
    Path squad;

    @Option(names = "--queries", defaultValue = "40", description = "questions to re-rank (default ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--candidates", defaultValue = "20",
            description = "paragraphs per question, gold included (default ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--batch", split = ",", defaultValue = "1,8,32",
            description = "batch sizes (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads, 0 = its default")
    int threads;

    record Task(String question, List<String> paragraphs, int gold) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new RerankBench()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path dir = ModelLocator.fromEnvironment().resolve(model);
        List<Task> tasks = tasks(squad, queries, candidates);
        int pairs = tasks.stream().mapToInt(t -> t.paragraphs().size()).sum();
        System.out.printf(Locale.ROOT, "model %s%nSQuAD %s: %d questions x %d candidates = %d pairs%n", dir, squad,
                tasks.size(), candidates, pairs);
        System.out.println("loadavg before: " + Machine.loadavg());
        System.out.printf(Locale.ROOT, "%6s %10s %12s %8s %7s %14s %14s%n", "batch", "pairs/s", "tokens/s",
                "MRR@10", "top-1", "max|d| vs b=1", "max|d| golden");
        float[][] reference = null;
        for (int batch : batches) {
            try (CrossEncoderReranker r = CrossEncoderReranker.load(dir, new CrossEncoderReranker.Options(batch, 0,
                    CrossEncoderReranker.Activation.IDENTITY, threads))) {
                long tokens = 0;
                for (Task t : tasks) {
                    for (String p : t.paragraphs()) tokens += r.encode(t.question(), p).inputIds().length;
                }
                for (int w = 0; w < Math.min(3, tasks.size()); w++) {
                    r.score(tasks.get(w).question(), tasks.get(w).paragraphs()); // warm-up
                }
                float[][] scores = new float[tasks.size()][];
                long t0 = System.nanoTime();
                for (int i = 0; i < tasks.size(); i++) {
                    scores[i] = r.score(tasks.get(i).question(), tasks.get(i).paragraphs());
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (reference == null) reference = scores;
                double mrr = 0;
                int top1 = 0;
                double maxDiff = 0;
                for (int i = 0; i < tasks.size(); i++) {
                    int rank = 1;
                    float gold = scores[i][tasks.get(i).gold()];
                    for (int j = 0; j < scores[i].length; j++) {
                        if (j != tasks.get(i).gold() && scores[i][j] > gold) rank++;
                        maxDiff = Math.max(maxDiff, Math.abs(scores[i][j] - reference[i][j]));
                    }
                    if (rank <= 10) mrr += 1.0 / rank;
                    if (rank == 1) top1++;
                }
                System.out.printf(Locale.ROOT, "%6d %10.1f %12.0f %8.4f %7.3f %14.2e %14s%n", batch, pairs / secs,
                        tokens / secs, mrr / tasks.size(), top1 / (double) tasks.size(), maxDiff, golden(r, dir));
            }
        }
        System.out.println("loadavg after: " + Machine.loadavg());
        return 0;
    }

    /** Largest |score - PyTorch logit| over the cases of {@code expected.json} in the model folder, or "-". */
    static String golden(CrossEncoderReranker r, Path dir) throws IOException {
        Path f = dir.resolve("expected.json");
        if (!Files.isRegularFile(f)) return "-";
        double max = 0;
        for (JsonNode c : new ObjectMapper().readTree(f.toFile()).path("cases")) {
            float s = r.score(c.path("query").asText(), List.of(c.path("passage").asText()))[0];
            max = Math.max(max, Math.abs(s - c.path("logit").asDouble()));
        }
        return String.format(Locale.ROOT, "%.2e", max);
    }

    /** The first {@code n} questions, each with its gold paragraph among others of the same article. */
    static List<Task> tasks(Path squadJson, int n, int candidates) throws IOException {
        JsonNode root = new ObjectMapper().readTree(squadJson.toFile());
        List<Task> out = new ArrayList<>();
        for (JsonNode article : root.path("data")) {
            List<String> paragraphs = new ArrayList<>();
            for (JsonNode p : article.path("paragraphs")) paragraphs.add(p.path("context").asText());
            if (paragraphs.size() < candidates) continue;
            for (int pi = 0; pi < paragraphs.size() && out.size() < n; pi++) {
                JsonNode qas = article.path("paragraphs").get(pi).path("qas");
                if (qas.isEmpty()) continue;
                String question = qas.get(0).path("question").asText();
                // candidates: a window of the article's paragraphs holding the gold one at a varying position
                int start = Math.max(0, Math.min(pi - (out.size() % candidates), paragraphs.size() - candidates));
                List<String> cands = new ArrayList<>(paragraphs.subList(start, start + candidates));
                out.add(new Task(question, cands, pi - start));
            }
            if (out.size() >= n) break;
        }
        if (out.isEmpty()) throw new IllegalArgumentException(squadJson + " has no article with " + candidates
                + " paragraphs; lower --candidates");
        return out;
    }

}
