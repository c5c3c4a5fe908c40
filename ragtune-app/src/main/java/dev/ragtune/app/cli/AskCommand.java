package dev.ragtune.app.cli;

import dev.ragtune.app.api.AnswerBody;
import dev.ragtune.app.api.Limits;
import dev.ragtune.app.api.Wire;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Citation;
import dev.ragtune.rag.answer.Context;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.answer.PromptTemplate;
import dev.ragtune.rag.answer.SentenceScorer;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.rerank.Reranker;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ragtune ask}: a question answered from a collection, with citations and a latency breakdown. */
@Command(name = "ask", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Answer a question from a collection: retrieve, optionally re-rank with a cross-encoder, "
                + "prompt, generate; prints the answer, its sources and the time of every step.",
                "Without --model the answer is extractive: the best-supported sentence of the retrieved passages."})
public final class AskCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", paramLabel = "DIR|URI",
            description = "Collection folder or SolrCloud URI (solr://ZK_HOST:PORT/NAME); not needed with --no-rag.")
    String collection;

    @Mixin GeneratorOptions generatorOptions;

    @Option(names = "--reranker", paramLabel = "DIR",
            description = "Cross-encoder ONNX export folder (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2, see 'model pull').")
    Path rerankerDir;

    @Option(names = "-k", defaultValue = "2", description = "Contexts put in the prompt.")
    int k;

    @Option(names = "--candidates", defaultValue = "20", description = "Passages retrieved before re-ranking / fusion.")
    int candidates;

    @Mixin RetrievalOptions retrieval;

    @Option(names = "--no-rag", description = "Ask the model without retrieval (the comparison of the lecture).")
    boolean noRag;

    @Option(names = "--template", paramLabel = "FILE",
            description = "Prompt template with {context} and {question} (default: the lecture's Portuguese prompt).")
    Path template;

    @Option(names = "--json", description = "Print JSON: {question, answer, mode, citations[], contexts[], timings_ms} (the API's AnswerBody).")
    boolean json;

    @Mixin EmbedderOption embedderOption;

    @Parameters(paramLabel = "QUESTION", description = "The question.")
    String question;

    @Override
    public Integer call() throws IOException {
        if (question == null || question.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the question is empty");
        }
        if (!noRag && collection == null) {
            throw new ParameterException(spec.commandLine(), "give --collection DIR (or --no-rag to ask the model alone)");
        }
        if (noRag && !generatorOptions.given()) {
            throw new ParameterException(spec.commandLine(), "--no-rag asks a generative model: give --model DIR|ORG/NAME");
        }
        try {
            Limits.DEFAULTS.question("question", question);
            Limits.DEFAULTS.k("-k", k);
            Limits.DEFAULTS.candidates("--candidates", candidates);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        RetrievalMode m = retrieval.mode(spec);
        PromptTemplate tpl = template == null ? PromptTemplate.DEFAULT : PromptTemplate.load(template);
        AskPipeline.Options options = new AskPipeline.Options(k, candidates, m, retrieval.params(spec), noRag, tpl,
                retrieval.fusion(spec), retrieval.filter(spec));
        try (Retriever c = noRag ? null : Corpora.open(collection);
             Embedder embedder = c == null ? embedderOption.open() : embedderOption.openFor(c);
             Reranker reranker = rerankerDir == null ? null : CrossEncoderReranker.load(rerankerDir);
             Generator generator = generatorOptions.given() ? generatorOptions.open()
                     : new ExtractiveGenerator(embedder, reranker == null ? null : SentenceScorer.byReranker(reranker))) {
            Answer a = new AskPipeline(c, embedder, reranker, generator).ask(question, options);
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(Wire.write(AnswerBody.of(a)));
            else print(out, a);
            for (String w : a.warnings()) spec.commandLine().getErr().println("warning: " + w);
            out.flush();
        }
        return 0;
    }

    static void print(PrintWriter out, Answer a) {
        out.println("Question: " + a.question());
        out.println("Answer (" + a.mode() + "): " + (a.text().isEmpty() ? "(no answer)" : a.text()));
        if (a.evidence() != null) {
            out.printf(Locale.ROOT, "Evidence: [%d] \"%s\" (score %.3f%s)%n", a.evidence().n(), a.evidence().sentence(),
                    a.evidence().score(), a.evidence().span().isEmpty() ? "" : "; answers with \"" + a.evidence().span() + "\"");
        }
        if (!a.citations().isEmpty()) {
            out.println("Sources" + (a.attribution().equals("overlap") ? " (the model did not cite; attributed by word overlap)" : "") + ":");
            for (Citation c : a.citations()) {
                out.printf(Locale.ROOT, "  [%d] %s%s, chunk %s%n", c.n(), c.source(), c.page() > 0 ? ", page " + c.page() : "",
                        c.chunkId());
            }
        }
        if (!a.contexts().isEmpty()) {
            out.println("Contexts in the prompt:");
            for (Context c : a.contexts()) {
                out.printf(Locale.ROOT, "  [%d] %.3f  %s%n", c.n(), c.score(), SearchCommand.snippet(c.text(), 110));
            }
        }
        Answer.Timings t = a.timings();
        out.printf(Locale.ROOT, "Timings (ms): embed %.1f | search %.1f | rerank %.1f | generate %.1f | total %.1f%n",
                t.embed(), t.search(), t.rerank(), t.generate(), t.total());
    }
}
