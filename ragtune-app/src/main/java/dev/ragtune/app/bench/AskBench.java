package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.cli.Progress;
import dev.ragtune.app.wiring.T5AnswerGenerator;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.t5.T5Config;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency of {@code ask} per stage (p50/p95 over N questions) on a real collection: the extractive default, and a
 * generative run with random weights of a FLAN-T5 shape (timing only: random weights answer nonsense).
 */
@Command(name = "ask", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "p50/p95 of embed, search, rerank, prompt, generate and total for ask, extractive and generative.")
public final class AskBench implements Callable<Integer> {
    @Option(names = "--collection", required = true, paramLabel = "DIR|URI",
            description = "A collection folder or SolrCloud URI (e.g. 10k chunks of the anchors corpus).")
    String collection;

    @Option(names = "--questions", required = true,
            description = "JSONL with a \"question\", \"query\" or \"text\" field per line.")
    Path questions;

    @Option(names = "-n", defaultValue = "100", description = "Questions to ask.")
    int n;

    @Option(names = "-k", defaultValue = "2", description = "Contexts per prompt.")
    int k;

    @Option(names = "--shape", defaultValue = "flan-t5-small",
            description = "Random-weight T5 shape for the generative run: flan-t5-small, flan-t5-base, or none.")
    String shape;

    @Option(names = "--tokenizer", description = "Folder or tokenizer.json of FLAN-T5 (needed for the generative run).")
    Path tokenizer;

    @Option(names = "--max-new-tokens", defaultValue = "32", description = "Generated tokens per answer (exactly).")
    int maxNewTokens;

    @Override
    public Integer call() throws IOException {
        T5Config config = shape.equals("none") ? null : T5Config.forShape(shape); // fail before any work
        List<String> qs = readQuestions(questions, n);
        System.out.printf(Locale.ROOT, "ask bench: %d questions, k=%d, collection %s%n", qs.size(), k, collection);
        System.out.println("load before: " + Machine.loadavg());
        try (Retriever c = Corpora.open(collection); Embedder embedder = OnnxEmbedder.allMiniLmL6V2()) {
            System.out.println("collection: " + c.description());
            try (Generator g = new ExtractiveGenerator(embedder, null)) {
                report("extractive", run(c, embedder, g, qs));
            }
            if (config != null) {
                if (tokenizer == null) throw new IllegalArgumentException("--tokenizer is needed for the generative run");
                GenerationConfig gc = GenerationConfig.defaults().greedy().withMaxNewTokens(maxNewTokens)
                        .withMinNewTokens(maxNewTokens);
                T5Tokenizer tok = T5Tokenizer.load(tokenizer);
                T5Model model;
                try {
                    model = T5Model.random(config, T5Model.device("cpu"), 42);
                } catch (RuntimeException e) {
                    tok.close(); // the generator below owns both once it exists
                    throw e;
                }
                try (Generator g = new T5AnswerGenerator(shape + " (random weights)", model, tok, gc, 512)) {
                    report("generative " + shape + ", " + maxNewTokens + " new tokens", run(c, embedder, g, qs));
                }
            }
        }
        System.out.println("load after: " + Machine.loadavg());
        return 0;
    }

    private List<Answer> run(Retriever c, Embedder embedder, Generator g, List<String> qs) {
        AskPipeline pipeline = new AskPipeline(c, embedder, null, g);
        AskPipeline.Options o = new AskPipeline.Options(k, 20, dev.ragtune.rag.retrieve.RetrievalMode.HYBRID, null, false, null);
        pipeline.ask(qs.get(0), o); // warm-up
        List<Answer> out = new ArrayList<>();
        Progress progress = new Progress(System.err, "questions");
        for (String q : qs) {
            out.add(pipeline.ask(q, o));
            progress.update(out.size(), (double) out.size() / qs.size(), g.mode());
        }
        progress.finish(out.size(), g.mode());
        return out;
    }

    private static void report(String label, List<Answer> answers) {
        System.out.printf(Locale.ROOT, "%n%s (%d questions; ms)%n%-9s %8s %8s %8s%n", label, answers.size(), "stage", "p50", "p95", "mean");
        row("embed", answers, a -> a.timings().embed());
        row("search", answers, a -> a.timings().search());
        row("rerank", answers, a -> a.timings().rerank());
        row("prompt", answers, a -> a.timings().prompt());
        row("generate", answers, a -> a.timings().generate());
        row("total", answers, a -> a.timings().total());
        long cited = answers.stream().filter(a -> !a.citations().isEmpty()).count();
        double tokens = answers.stream().mapToInt(a -> a.prompt().tokens()).average().orElse(0);
        System.out.printf(Locale.ROOT, "answers with citations: %d/%d; mean prompt tokens %.0f; compressed prompts %d%n",
                cited, answers.size(), tokens, answers.stream().filter(a -> a.prompt().compressed()).count());
    }

    private static void row(String stage, List<Answer> answers, ToDoubleFunction<Answer> f) {
        double[] v = answers.stream().mapToDouble(f).sorted().toArray();
        System.out.printf(Locale.ROOT, "%-9s %8.1f %8.1f %8.1f%n", stage, pct(v, 0.50), pct(v, 0.95), Arrays.stream(v).average().orElse(0));
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The first {@code n} questions of a JSONL file ({@code question}, {@code query} or {@code text} per line). */
    static List<String> readQuestions(Path questions, int n) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(questions, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null && out.size() < n) {
                if (line.isBlank()) continue;
                JsonNode j = json.readTree(line);
                for (String f : List.of("question", "query", "text")) {
                    if (j.hasNonNull(f)) {
                        out.add(j.get(f).asText());
                        break;
                    }
                }
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(questions + " has no questions");
        return out;
    }
}
