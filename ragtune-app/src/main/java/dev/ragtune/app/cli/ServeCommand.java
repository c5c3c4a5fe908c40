package dev.ragtune.app.cli;

import dev.ragtune.app.web.WebServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.answer.SentenceScorer;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.rerank.Reranker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ragtune serve}: the web page and HTTP API over a collection. */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Serve a web page and HTTP API: upload documents, ask, see the answer with its sources and timings.")
public final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "Collection folder (created if missing).")
    Path collection;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0 picks a free one).")
    int port;

    @Option(names = "--reranker", paramLabel = "DIR", description = "Cross-encoder ONNX export folder.")
    Path rerankerDir;

    @Mixin GeneratorOptions generatorOptions;

    @Mixin EmbedderOption embedderOption;

    @Override
    public Integer call() throws InterruptedException {
        try (Embedder embedder = embedderOption.open();
             Reranker reranker = rerankerDir == null ? null : CrossEncoderReranker.load(rerankerDir);
             Generator model = generatorOptions.given() ? generatorOptions.open() : null;
             Generator generator = model != null ? null
                     : new ExtractiveGenerator(embedder, reranker == null ? null : SentenceScorer.byReranker(reranker));
             WebServer server = new WebServer(collection, embedder, reranker, model != null ? model : generator, model)
                     .start(host, port)) {
            spec.commandLine().getOut().printf("ragtune serving %s on http://%s:%d/ (answers: %s); Ctrl-C stops%n",
                    collection, host, server.port(), model != null ? model.id() : generator.id());
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
