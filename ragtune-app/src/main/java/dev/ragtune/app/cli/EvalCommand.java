package dev.ragtune.app.cli;

import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.answer.PromptTemplate;
import dev.ragtune.rag.answer.SentenceScorer;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.eval.Bootstrap;
import dev.ragtune.rag.eval.EvalQuestion;
import dev.ragtune.rag.eval.EvalReport;
import dev.ragtune.rag.eval.Evaluation;
import dev.ragtune.rag.eval.InvalidDatasetException;
import dev.ragtune.rag.eval.QuestionFile;
import dev.ragtune.rag.eval.QuestionResult;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ragtune eval}: the lecture's comparison as one command. The same questions go through no-RAG, RAG and
 * RAG + re-rank in one process; the answers, their scores and the reports land in {@code --out}.
 *
 * <p>Without {@code --model} the answers are extractive (no-RAG is then skipped, or an error when asked for). With
 * it, every configuration asks the same T5 model ({@link GeneratorOptions}); a {@link GeneratorLoader} given to the
 * constructor replaces the T5 loading (tests use a scripted model).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Compare answering without RAG, with RAG and with RAG + re-rank on your questions: exact match "
                + "and F1 (SQuAD and Portuguese normalisation), hit@1/hit@k/MRR when gold ids are given, citation "
                + "precision, latency per stage, bootstrap 95%% intervals of the differences, where RAG helped or hurt.",
                "Writes OUT/results.jsonl (one line per question and configuration), OUT/summary.json, OUT/report.md "
                        + "and OUT/report.html (self-contained). Interrupted? Rerun with --resume.",
                "Questions: JSONL {id, question, answers[], gold_chunk_ids[]?, gold_doc_ids[]?} or a SQuAD v1.1 .json "
                        + "(make its collection with 'ragtune squad2jsonl' then 'ragtune ingest')."})
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", paramLabel = "DIR|URI",
            description = "Collection folder or SolrCloud URI to retrieve from (not needed for no-rag alone).")
    String collection;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "Question file (JSONL or SQuAD .json).")
    Path questions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for results and reports.")
    Path out;

    /** {@code --model} and its generation knobs; without a model, answers are extractive and no-rag is skipped. */
    @Mixin GeneratorOptions generatorOptions;

    @Option(names = "--reranker", paramLabel = "DIR", description = "Cross-encoder ONNX export folder, for rag+rerank.")
    Path rerankerDir;

    @Option(names = "--configs", paramLabel = "LIST",
            description = "Comma-separated: no-rag, rag, rag+rerank (default: all that the options allow).")
    String configs;

    @Option(names = "-k", defaultValue = "2", description = "Contexts in the prompt (the k of hit@k).")
    int k;

    @Option(names = "--candidates", defaultValue = "20", description = "Passages retrieved before re-ranking / fusion.")
    int candidates;

    @Mixin RetrievalOptions retrievalOptions;

    @Option(names = "--template", paramLabel = "FILE", description = "Prompt template with {context} and {question}.")
    Path template;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N questions of the file.")
    Integer limit;

    @Option(names = "--sample", paramLabel = "N", description = "N questions spread evenly over the file "
            + "(deterministic; after --limit).")
    Integer sample;

    @Option(names = "--resume", description = "Continue the run in --out: questions already in results.jsonl are skipped.")
    boolean resume;

    @Option(names = "--resamples", defaultValue = "1000", description = "Bootstrap resamples.")
    int resamples;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed.")
    long seed;

    @Mixin EmbedderOption embedderOption;

    private final GeneratorLoader generatorLoader;

    /** Opens {@code --model} as the T5 generator ({@link GeneratorOptions#open}). */
    public EvalCommand() {
        this(GeneratorOptions::open);
    }

    /** @param generatorLoader opens the model {@code --model} names (tests pass a scripted one) */
    public EvalCommand(GeneratorLoader generatorLoader) {
        this.generatorLoader = Objects.requireNonNull(generatorLoader, "generatorLoader");
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (k < 1) throw new ParameterException(spec.commandLine(), "-k must be at least 1, was " + k);
        if (resamples < 1) throw new ParameterException(spec.commandLine(), "--resamples must be at least 1");
        List<String> names = chooseConfigs(err);
        RetrievalMode retrieval = retrievalOptions.mode(spec);
        SearchParams searchParams = retrievalOptions.params(spec);
        HybridFusion fusion = retrievalOptions.fusion(spec);
        String model = generatorOptions.model;
        boolean retrieves = names.contains("rag") || names.contains("rag+rerank");
        if (retrieves && collection == null) {
            throw new ParameterException(spec.commandLine(), "configurations " + names + " retrieve: give --collection DIR");
        }

        QuestionFile.Loaded loaded;
        try {
            loaded = QuestionFile.read(questions);
        } catch (InvalidDatasetException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<String> warnings = new ArrayList<>();
        if (!loaded.problems().isEmpty()) {
            int shown = Math.min(20, loaded.problems().size());
            for (String p : loaded.problems().subList(0, shown)) err.println("warning: " + p);
            if (shown < loaded.problems().size()) err.println("warning: … and " + (loaded.problems().size() - shown) + " more");
            warnings.add(loaded.problems().size() + " malformed line(s) in " + questions + " were skipped, e.g. "
                    + String.join("; ", loaded.problems().subList(0, Math.min(5, loaded.problems().size()))));
        }
        List<EvalQuestion> qs = select(loaded.questions());
        err.printf("%d question(s) from %s (%s); configurations %s; %s answers%n", qs.size(), questions,
                loaded.format(), String.join(", ", names), model == null ? "extractive" : "generative (" + model + ")");
        err.flush();

        PromptTemplate tpl = template == null ? PromptTemplate.DEFAULT : PromptTemplate.load(template);
        Map<String, String> about = new LinkedHashMap<>();
        about.put("questions", questions + " (" + loaded.format() + ", " + qs.size() + " used)");
        try (Retriever c = retrieves ? Corpora.open(collection) : null;
             Embedder embedder = c == null ? embedderOption.open() : embedderOption.openFor(c);
             CrossEncoderReranker reranker = names.contains("rag+rerank") ? CrossEncoderReranker.load(rerankerDir) : null;
             Generator generative = model == null ? null : generatorLoader.load(generatorOptions);
             Generator extractive = new ExtractiveGenerator(embedder, null);
             Generator extractiveReranked = reranker == null ? null
                     : new ExtractiveGenerator(embedder, SentenceScorer.byReranker(reranker))) {
            if (c != null) {
                Set<String> docIds = new HashSet<>();
                for (SourceEntry s : c.sources()) docIds.addAll(s.docIds());
                for (String w : Evaluation.missingGold(qs, c.chunkIds(), docIds)) {
                    err.println("warning: " + w);
                    warnings.add(w);
                }
                about.put("collection", collection + " (" + c.description() + ")");
            }
            about.put("embedder", embedder.id());
            about.put("retrieval", retrieval.label() + (retrieval == RetrievalMode.HYBRID ? " (" + fusion.label() + ")" : "")
                    + ", k " + k + ", candidates " + candidates);
            if (reranker != null) about.put("reranker", reranker.id());
            about.put("answers", generative != null ? generative.id() : extractive.id());
            List<Evaluation.Config> list = new ArrayList<>();
            for (String name : names) {
                boolean noRag = name.equals("no-rag");
                AskPipeline.Options options = new AskPipeline.Options(k, candidates, retrieval, searchParams, noRag, tpl,
                        fusion, retrievalOptions.filter(spec));
                Generator g = generative != null ? generative : name.equals("rag+rerank") ? extractiveReranked : extractive;
                list.add(new Evaluation.Config(name, new AskPipeline(noRag ? null : c, embedder,
                        name.equals("rag+rerank") ? reranker : null, g), options));
            }
            String loadBefore = loadavg();
            Progress progress = new Progress(System.err, "answers");
            Evaluation.Run run = new Evaluation(list).run(qs, out.resolve("results.jsonl"), resume, new Evaluation.Listener() {
                @Override
                public void progress(int done, int todo, QuestionResult last) {
                    progress.update(done, done / (double) todo, "of " + todo + "  " + last.config() + " " + last.questionId());
                }

                @Override
                public void warning(String message) {
                    err.println("warning: " + message);
                    err.flush();
                }
            });
            if (run.answered() > 0) progress.finish(run.answered(), "of " + run.answered());
            if (run.resumed() > 0) err.println(run.resumed() + " answer(s) resumed from " + out.resolve("results.jsonl"));
            about.put("machine load (/proc/loadavg)", "before " + loadBefore + ", after " + loadavg());
            about.put("finished", Instant.now().toString());
            EvalReport.Summary summary = EvalReport.summarize(run.results(), k, new Bootstrap(resamples, seed), warnings, about);
            EvalReport.write(out, summary, run.results());
            print(stdout, summary);
            stdout.printf("wrote %s, %s, %s, %s%n", out.resolve("results.jsonl"), out.resolve("summary.json"),
                    out.resolve("report.md"), out.resolve("report.html"));
            stdout.flush();
        } catch (InvalidDatasetException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return 0;
    }

    /** The configurations to run: explicit ones must all be possible; by default the impossible ones are skipped. */
    List<String> chooseConfigs(PrintWriter err) {
        List<String> names;
        boolean explicit = configs != null;
        try {
            names = explicit ? Evaluation.parseConfigs(configs) : new ArrayList<>(Evaluation.KNOWN_CONFIGS);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String missing = n.equals("no-rag") && !generatorOptions.given() ? "no-rag needs a generative model (--model): the "
                    + "extractive answerer copies from retrieved passages and cannot answer without them"
                    : n.equals("rag+rerank") && rerankerDir == null ? "rag+rerank needs --reranker DIR (a cross-encoder)"
                    : null;
            if (missing == null) out.add(n);
            else if (explicit) throw new ParameterException(spec.commandLine(), missing);
            else err.println("skipping " + n + ": " + missing);
        }
        if (out.isEmpty()) throw new ParameterException(spec.commandLine(), "no configuration can run");
        return out;
    }

    private List<EvalQuestion> select(List<EvalQuestion> all) {
        List<EvalQuestion> qs = all;
        if (limit != null) {
            if (limit < 1) throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
            qs = qs.subList(0, Math.min(limit, qs.size()));
        }
        if (sample != null) {
            if (sample < 1) throw new ParameterException(spec.commandLine(), "--sample must be at least 1");
            qs = spread(qs, sample);
        }
        return qs;
    }

    /** {@code n} items spread evenly over the list (item {@code floor(i·size/n)} for i < n), or all when n ≥ size. */
    static <T> List<T> spread(List<T> all, int n) {
        if (n >= all.size()) return all;
        List<T> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) picked.add(all.get((int) ((long) i * all.size() / n)));
        return picked;
    }

    static void print(PrintWriter out, EvalReport.Summary s) {
        out.printf(Locale.ROOT, "%d questions, k = %d%n", s.questions(), s.k());
        out.printf(Locale.ROOT, "%-11s %6s %6s %7s %7s %6s %6s %6s %9s %9s %9s%n", "config", "EM", "F1", "EM-pt", "F1-pt",
                "hit@1", "hit@" + s.k(), "MRR", "cite-prec", "p50 ms", "p95 ms");
        for (EvalReport.ConfigSummary c : s.perConfig()) {
            out.printf(Locale.ROOT, "%-11s %6.3f %6.3f %7.3f %7.3f %6s %6s %6s %9s %9.1f %9.1f%n", c.name(), c.em(), c.f1(),
                    c.emPt(), c.f1Pt(), f(c.hitAt1()), f(c.hitAtK()), f(c.mrr()), f(c.citationPrecision()),
                    c.latency().get("total").p50(), c.latency().get("total").p95());
        }
        for (EvalReport.Comparison c : s.comparisons()) {
            if (!c.metric().equals("em") && !c.metric().equals("f1")) continue;
            out.printf(Locale.ROOT, "%s − %s %s: %+.3f, 95%% CI [%+.3f, %+.3f]%s%n", c.candidate(), c.baseline(),
                    c.metric().toUpperCase(Locale.ROOT), c.interval().mean(), c.interval().low(), c.interval().high(),
                    c.interval().significant() ? " (significant)" : "");
        }
        if (s.candidate() != null) {
            out.printf("%s helped on %d question(s) and hurt on %d (F1 against %s)%n", s.candidate(), s.helped().size(),
                    s.hurt().size(), s.baseline());
        }
    }

    private static String f(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
