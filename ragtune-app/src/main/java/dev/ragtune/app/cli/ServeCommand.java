package dev.ragtune.app.cli;

import dev.ragtune.app.api.Limits;
import dev.ragtune.app.web.ServeSettings;
import dev.ragtune.app.web.WebServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.answer.SentenceScorer;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.rerank.Reranker;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ragtune serve}: the web page and HTTP API over a collection. */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Serve a web page and HTTP API (/api, described at /openapi.json): upload documents, ask, search, "
                + "see the answer with its sources and timings.",
                "Listens on loopback by default; another --host needs --token (or --no-auth, which warns)."})
public final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR|URI",
            description = "Collection folder (created if missing) or a corpus URI (solr://…).")
    String collection;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (0.0.0.0 for all; needs --token or --no-auth).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0 picks a free one).")
    int port;

    @Option(names = "--token", paramLabel = "SECRET", defaultValue = "${env:RAGTUNE_TOKEN}",
            description = "Every API call must send 'Authorization: Bearer SECRET' (default: $RAGTUNE_TOKEN).")
    String token;

    @Option(names = "--no-auth", description = "Allow a non-loopback --host without a token (anyone who reaches the port can upload and delete).")
    boolean noAuth;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "Another name clients reach the server by (checked against the Host header); repeatable.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--uploads", paramLabel = "DIR", description = "Where uploaded files are stored (default: DIR/uploads of a folder collection, ./uploads for a URI).")
    Path uploads;

    @Option(names = "--workers", defaultValue = "0", description = "Questions answered at the same time (0 = one per core).")
    int workers;

    @Option(names = "--refresh-ms", defaultValue = "1000", description = "How often to look for a new generation of the collection written by another process (0 = never).")
    long refreshMillis;

    @Option(names = "--max-k", defaultValue = "50", description = "Largest k a request may ask for.")
    int maxK;

    @Option(names = "--max-candidates", defaultValue = "200", description = "Largest candidate depth a request may ask for.")
    int maxCandidates;

    @Option(names = "--max-question-chars", defaultValue = "2000", description = "Longest question or query, in characters.")
    int maxQuestionChars;

    @Option(names = "--max-upload-mb", defaultValue = "200", description = "Largest upload, in MiB.")
    long maxUploadMb;

    @Option(names = "--reranker", paramLabel = "DIR", description = "Cross-encoder ONNX export folder.")
    Path rerankerDir;

    @Mixin GeneratorOptions generatorOptions;

    @Mixin EmbedderOption embedderOption;

    @Override
    public Integer call() {
        ServeSettings settings = settings();
        PrintWriter err = spec.commandLine().getErr();
        if (settings.token() == null && !isLoopback(host)) {
            if (!noAuth) {
                throw new ParameterException(spec.commandLine(), "--host " + host + " is reachable from other machines: "
                        + "give --token SECRET (or set RAGTUNE_TOKEN), or --no-auth to serve without one");
            }
            err.println("warning: serving on " + host + " WITHOUT authentication: anyone who reaches port " + port
                    + " can read, upload and delete documents");
            err.flush();
        }
        try (Embedder embedder = embedderOption.open();
             Reranker reranker = rerankerDir == null ? null : CrossEncoderReranker.load(rerankerDir);
             Generator model = generatorOptions.given() ? generatorOptions.open() : null;
             Generator generator = model != null ? null
                     : new ExtractiveGenerator(embedder, reranker == null ? null : SentenceScorer.byReranker(reranker));
             WebServer server = new WebServer(collection, embedder, reranker, model != null ? model : generator, model,
                     settings).start()) {
            String shown = host.contains(":") ? "[" + host + "]" : host;
            spec.commandLine().getOut().printf("ragtune serving %s on http://%s:%d/%s (answers: %s; API: /openapi.json); "
                            + "Ctrl-C stops%n", collection, shown, server.port(),
                    settings.token() != null ? "#token=…" : "", model != null ? model.id() : generator.id());
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stop.await();
            } catch (InterruptedException e) {
                // the interrupt is the stop signal of whoever runs serve in a thread (tests, embedding): consumed
                // here so the server closes normally below
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting anyway
                }
            }
        }
        return 0;
    }

    ServeSettings settings() {
        Path up = uploads != null ? uploads
                : Corpora.isUri(collection) ? Path.of("uploads") : Path.of(collection).resolve("uploads");
        int w = workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
        try {
            if (maxUploadMb < 1 || maxUploadMb > Long.MAX_VALUE / (1024 * 1024)) {
                throw new IllegalArgumentException("--max-upload-mb must be >= 1, was " + maxUploadMb);
            }
            Limits limits = new Limits(maxK, maxCandidates, maxQuestionChars, maxUploadMb * 1024 * 1024);
            String t = token == null || token.isBlank() ? null : token;
            return new ServeSettings(host, port, t, new HashSet<>(allowHosts), limits, w, refreshMillis, up);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) return true;
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) return false;
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
