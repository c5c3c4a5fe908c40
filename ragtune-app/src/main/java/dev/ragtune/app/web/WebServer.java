package dev.ragtune.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.app.cli.AskCommand;
import dev.ragtune.app.openai.OpenAiApi;
import dev.ragtune.app.wiring.T5AnswerGenerator;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionException;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.document.DocumentReaders;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.Reranker;
import dev.ragtune.rag.retrieve.RetrievalMode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code ragtune serve}: a page at {@code /} and a JSON API.
 * <ul>
 *   <li>{@code POST /api/documents} (multipart, field {@code file}, one or more): stores the files under the
 *       collection's {@code uploads/} folder and ingests them; answers the ingestion report.</li>
 *   <li>{@code GET /api/documents}: the ingested files.</li>
 *   <li>{@code POST /api/ask} {@code {question, k?, mode?, no_rag?}}: the answer as {@code ragtune ask --json}.</li>
 *   <li>{@code GET /api/health}.</li>
 *   <li>{@code /v1/…}: OpenAI's API ({@link OpenAiApi}).</li>
 * </ul>
 * Errors answer {@code {"error": "..."}} with 400 for bad input and 500 otherwise.
 */
public final class WebServer implements AutoCloseable {
    static final long MAX_UPLOAD_BYTES = 200L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveCollection collection;
    private final Path uploads;
    private final Embedder embedder;
    private final Reranker reranker;
    private final Generator generator;
    private final Generator noRagGenerator;
    private final Javalin app;

    /**
     * @param generator      answers with retrieval (extractive or generative)
     * @param noRagGenerator answers without retrieval, or null when there is no generative model
     */
    public WebServer(Path collectionDir, Embedder embedder, Reranker reranker, Generator generator, Generator noRagGenerator) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.reranker = reranker;
        this.generator = Objects.requireNonNull(generator, "generator");
        this.noRagGenerator = noRagGenerator;
        this.collection = new LiveCollection(collectionDir, embedder);
        this.uploads = collectionDir.resolve("uploads");
        String page = page();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_UPLOAD_BYTES;
            config.jetty.multipartConfig.maxFileSize(MAX_UPLOAD_BYTES, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(MAX_UPLOAD_BYTES, io.javalin.config.SizeUnit.BYTES);
        });
        app.get("/", ctx -> ctx.html(page));
        app.get("/api/health", ctx -> json(ctx, JSON.createObjectNode().put("status", "ok")));
        app.get("/api/documents", this::documents);
        app.post("/api/documents", this::upload);
        app.post("/api/ask", this::ask);
        OpenAiApi.register(app, new OpenAiApi.Services(question -> collection.read(c -> {
            synchronized (this) { // one generation at a time, as /api/ask
                return question.apply(c);
            }
        }), embedder, reranker, generator, noRagGenerator, null, (g, s) -> T5AnswerGenerator.withDecoding(g,
                s.maxTokens(), s.temperature(), s.topP(), s.seed())), OpenAiApi.Limits.DEFAULTS, Optional.empty());
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(CollectionException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.toString()));
    }

    /** Starts listening; port 0 picks a free one. */
    public WebServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    private static String page() {
        try (InputStream in = WebServer.class.getResourceAsStream("/web/index.html")) {
            if (in == null) throw new IllegalStateException("web/index.html is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void documents(Context ctx) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        collection.read(c -> {
            for (SourceEntry s : c.sources()) {
                ObjectNode o = list.addObject();
                o.put("source", s.source());
                o.put("documents", s.docIds().size());
                o.put("chunks", s.ordinals().size());
                o.put("bytes", s.bytes());
            }
            return null;
        });
        json(ctx, list);
    }

    private void upload(Context ctx) throws IOException {
        List<UploadedFile> files = ctx.uploadedFiles("file");
        if (files.isEmpty()) throw new IllegalArgumentException("no file: send multipart field 'file'");
        Files.createDirectories(uploads);
        List<Path> stored = new ArrayList<>();
        for (UploadedFile f : files) {
            String name = Path.of(f.filename()).getFileName().toString();
            if (name.isBlank() || name.startsWith(".")) throw new IllegalArgumentException("bad file name '" + f.filename() + "'");
            Path target = uploads.resolve(name);
            if (!DocumentReaders.isSupported(target)) {
                throw new IllegalArgumentException(name + ": unsupported file type; supported: "
                        + String.join(", ", DocumentReaders.supportedExtensions()));
            }
            Path tmp = Files.createTempFile(uploads, ".upload-", ".part");
            try (InputStream in = f.content()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            stored.add(target);
        }
        List<String> problems = new ArrayList<>();
        Ingestion.Report r = collection.ingest(stored, new Ingestion.Listener() {
            @Override
            public void failed(Path file, String message) {
                problems.add(file.getFileName() + ": " + message);
            }

            @Override
            public void warning(String file, String message) {
                problems.add(Path.of(file).getFileName() + ": " + message);
            }
        });
        ObjectNode out = JSON.createObjectNode();
        out.put("files", r.files());
        out.put("ingested", r.ingested());
        out.put("unchanged", r.unchanged());
        out.put("failed", r.failed());
        out.put("chunks_added", r.chunksAdded());
        ArrayNode p = out.putArray("problems");
        problems.forEach(p::add);
        collection.read(c -> out.put("collection_chunks", c.size()));
        ctx.status(r.failed() > 0 && r.ingested() == 0 ? 400 : 200);
        json(ctx, out);
    }

    private void ask(Context ctx) throws IOException {
        JsonNode body = JSON.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        String question = body.path("question").asText("");
        int k = body.path("k").asInt(2);
        boolean noRag = body.path("no_rag").asBoolean(false);
        RetrievalMode mode = RetrievalMode.parse(body.path("mode").asText("hybrid"));
        if (noRag && noRagGenerator == null) {
            throw new IllegalArgumentException("no generative model is loaded: start the server with --model to compare without RAG");
        }
        AskPipeline.Options options = new AskPipeline.Options(k, 20, mode, SearchParams.DEFAULTS, noRag, null);
        Answer a = collection.read((Collection c) -> {
            synchronized (this) { // one generation at a time: the model's threads are the machine's cores
                return new AskPipeline(c, embedder, reranker, noRag ? noRagGenerator : generator).ask(question, options);
            }
        });
        json(ctx, AskCommand.toJson(a));
    }

    private static void json(Context ctx, JsonNode node) throws IOException {
        ctx.contentType("application/json; charset=utf-8").result(JSON.writeValueAsString(node));
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json; charset=utf-8")
                .result(JSON.createObjectNode().put("error", message == null ? "error" : message).toString());
    }

    @Override
    public void close() {
        app.stop();
        collection.close();
    }
}
