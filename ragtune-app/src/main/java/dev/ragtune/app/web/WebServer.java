package dev.ragtune.app.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.ragtune.app.api.AnswerBody;
import dev.ragtune.app.api.AskRequest;
import dev.ragtune.app.api.DocumentInfo;
import dev.ragtune.app.api.ErrorBody;
import dev.ragtune.app.api.Health;
import dev.ragtune.app.api.JobStatus;
import dev.ragtune.app.api.Limits;
import dev.ragtune.app.api.SearchBody;
import dev.ragtune.app.api.Wire;
import dev.ragtune.app.openai.OpenAiApi;
import dev.ragtune.app.wiring.T5AnswerGenerator;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AnswerTextStream;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.document.DocumentReaders;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.Reranker;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ragtune serve}: the page at {@code /} and the JSON API under {@code /api}, described at {@code /openapi.json}.
 * Questions run in parallel on a bounded number of workers against the live reader of the corpus; uploads become
 * background jobs of the single writer. Every failure answers {@link ErrorBody} with a 4xx for bad input.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final String VERSION = "1";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Set<String> PUBLIC = Set.of("/", "/app.js", "/app.css", "/openapi.json");
    private static final long BUSY_WAIT_SECONDS = 60;

    private final ServeSettings settings;
    private final Limits limits;
    private final AccessPolicy access;
    private final LiveRetriever live;
    private final IngestJobs jobs;
    private final Embedder embedder;
    private final Reranker reranker;
    private final Generator generator;
    private final Generator noRagGenerator;
    private final Semaphore workers;
    private final List<Endpoint> endpoints;
    private final String openApi;
    private final Javalin app;

    /**
     * @param location       the corpus: a folder (created when missing) or a URI of a backend on the class path
     * @param generator      answers with retrieval (extractive or generative)
     * @param noRagGenerator answers without retrieval, or null when there is no generative model
     */
    public WebServer(String location, Embedder embedder, Reranker reranker, Generator generator,
                     Generator noRagGenerator, ServeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limits = settings.limits();
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.reranker = reranker;
        this.generator = Objects.requireNonNull(generator, "generator");
        this.noRagGenerator = noRagGenerator;
        this.access = AccessPolicy.forBind(settings.host(), settings.token(), settings.allowHosts());
        this.workers = new Semaphore(settings.workers(), true);
        if (!Corpora.exists(location)) {
            try (CorpusWriter w = Corpora.openWriter(location, embedder, CorpusSettings.defaults())) {
                w.commit();
            }
        }
        this.live = new LiveRetriever(location, embedder, settings.refreshMillis());
        this.jobs = new IngestJobs(location, embedder, live, settings.uploads());
        IngestJobs.clearStaging(settings.uploads());
        this.endpoints = endpoints();
        this.openApi = OpenApiDocument.json(endpoints, VERSION, settings.token() != null);
        Map<String, String> assets = Map.of("/", asset("index.html"), "/app.js", asset("app.js"),
                "/app.css", asset("app.css"));
        long maxUpload = limits.maxUploadBytes();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 1024L * 1024; // JSON bodies; uploads are multipart, bounded below
            config.jetty.multipartConfig.maxFileSize(maxUpload, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxUpload, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
        });
        app.before(this::guard);
        app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(assets.get("/")));
        app.get("/app.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(assets.get("/app.js")));
        app.get("/app.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(assets.get("/app.css")));
        app.get("/openapi.json", ctx -> ctx.contentType("application/json; charset=utf-8").result(openApi));
        for (Endpoint e : endpoints) app.addHttpHandler(e.method(), e.path(), e.handler());
        OpenAiApi.register(app, new OpenAiApi.Services(question -> workForV1(() -> live.read(question::apply)), embedder,
                reranker, generator, noRagGenerator, null, (g, s) -> T5AnswerGenerator.withDecoding(g, s.maxTokens(),
                s.temperature(), s.topP(), s.seed())), OpenAiApi.Limits.DEFAULTS, Optional.ofNullable(settings.token()));
        app.exception(ApiException.class, (e, ctx) -> {
            if (ctx.path().startsWith("/v1/")) OpenAiApi.refuse(ctx, e.status, e.error, e.getMessage());
            else error(ctx, e.status, e.error, e.getMessage());
        });
        app.exception(JsonProcessingException.class, (e, ctx) -> error(ctx, 400, "bad_request", jsonProblem(e)));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage()));
        app.exception(CorpusException.class, (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeOf(e.getStatus()),
                e.getStatus() == 404 ? "no such endpoint: " + ctx.method() + " " + ctx.path() + " (see /openapi.json)"
                        : e.getStatus() == 413 ? "the request body is larger than the server accepts" : e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal", "the server failed on this request; see its log");
        });
    }

    /** The routes, as registered and as described at {@code /openapi.json}. */
    private List<Endpoint> endpoints() {
        List<Integer> common = List.of(400, 401, 403);
        Endpoint.Param id = new Endpoint.Param("id", true, String.class, true, "the id from GET /api/documents");
        return List.of(
                new Endpoint(HandlerType.GET, "/api/health", "Whether the server is up and what it serves", null, null,
                        Health.class, false, "application/json", 200, List.of(), List.of(401, 403), this::health),
                new Endpoint(HandlerType.POST, "/api/ask", "Answer a question with cited sources and timings",
                        AskRequest.class, null, AnswerBody.class, false, "application/json", 200, List.of(),
                        List.of(400, 401, 403, 503), this::ask),
                new Endpoint(HandlerType.POST, "/api/ask/stream", "The same answer as server-sent events: 'retrieved' "
                        + "(the passages, before generation), 'token' (answer text as it is generated), then 'answer' "
                        + "(the AnswerBody) or 'error' (the ErrorBody)", AskRequest.class, null, AnswerBody.class, false,
                        "text/event-stream", 200, List.of(), List.of(400, 401, 403, 503), this::askStream),
                new Endpoint(HandlerType.GET, "/api/search", "Top-k passages for a query", null, null, SearchBody.class,
                        false, "application/json", 200, List.of(
                        new Endpoint.Param("q", false, String.class, true, "the query"),
                        new Endpoint.Param("k", false, Integer.class, false, "hits (default 5)"),
                        new Endpoint.Param("mode", false, String.class, false, "dense, bm25 or hybrid (default)"),
                        new Endpoint.Param("candidates", false, Integer.class, false, "hybrid: depth of each list (default 50)"),
                        new Endpoint.Param("source", false, String.class, false, "only this ingested file (repeatable)")),
                        common, this::search),
                new Endpoint(HandlerType.POST, "/api/documents", "Upload files; they are ingested by a background job",
                        null, "multipart/form-data", JobStatus.class, false, "application/json", 202, List.of(),
                        List.of(400, 401, 403, 413), this::upload),
                new Endpoint(HandlerType.GET, "/api/documents", "The ingested files", null, null, DocumentInfo.class,
                        true, "application/json", 200, List.of(), List.of(401, 403), this::documents),
                new Endpoint(HandlerType.DELETE, "/api/documents/{id}", "Remove an ingested file and its passages", null,
                        null, DocumentInfo.class, false, "application/json", 200, List.of(id),
                        List.of(401, 403, 404), this::delete),
                new Endpoint(HandlerType.GET, "/api/documents/{id}/file", "The stored file (a PDF opens at #page=N)",
                        null, null, null, false, "application/octet-stream", 200, List.of(id), List.of(401, 403, 404),
                        this::file),
                new Endpoint(HandlerType.GET, "/api/jobs/{id}", "An ingestion job: state, progress and ETA", null, null,
                        JobStatus.class, false, "application/json", 200,
                        List.of(new Endpoint.Param("id", true, String.class, true, "the id POST /api/documents returned")),
                        List.of(401, 403, 404), this::job));
    }

    /** Starts listening on the settings' host and port. */
    public WebServer start() {
        app.start(settings.host(), settings.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The OpenAPI document served at {@code /openapi.json}. */
    public String openApi() {
        return openApi;
    }

    private static String asset(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream("/web/" + name)) {
            if (in == null) throw new IllegalStateException("web/" + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        HandlerType m = ctx.method();
        boolean changes = m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH
                || m == HandlerType.DELETE;
        // /v1 checks its token itself, as OpenAI clients expect (its 401 in OpenAI's error shape)
        boolean tokenHere = !PUBLIC.contains(ctx.path()) && !ctx.path().startsWith("/v1/");
        AccessPolicy.Refusal r = access.check(tokenHere, changes, ctx.header("Host"),
                ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), ctx.header("Authorization"));
        if (r != null) throw new ApiException(r.status(), r.error(), r.message());
    }

    private void health(Context ctx) {
        int chunks = live.read(Retriever::size);
        json(ctx, 200, new Health("ok", live.location(), chunks, generator.id(), noRagGenerator != null,
                settings.token() != null, limits));
    }

    private AskRequest askRequest(Context ctx) throws IOException {
        String body = ctx.body();
        if (body.isBlank()) throw new IllegalArgumentException("the body is empty: send JSON {\"question\": \"...\"}");
        AskRequest r = Wire.json().readValue(body, AskRequest.class);
        if (r == null) throw new IllegalArgumentException("the body is null: send JSON {\"question\": \"...\"}");
        return r;
    }

    /** Validates a request into the pipeline and its options. */
    private record Prepared(String question, AskPipeline.Options options, Generator generator) {}

    private Prepared prepare(AskRequest r) {
        String question = limits.question("question", r.question());
        int k = limits.k("k", r.kOr(2));
        int candidates = limits.candidates("candidates", r.candidatesOr(20));
        RetrievalMode mode = RetrievalMode.parse(r.modeOr("hybrid"));
        boolean noRag = r.noRagOr(false);
        if (noRag && noRagGenerator == null) {
            throw new IllegalArgumentException("no_rag needs a generative model: start the server with --model");
        }
        HitFilter filter = new HitFilter(new HashSet<>(r.sourcesOrNone()), Set.of(), Set.of());
        return new Prepared(question, new AskPipeline.Options(k, Math.max(k, candidates), mode, SearchParams.DEFAULTS,
                noRag, null, null, filter), noRag ? noRagGenerator : generator);
    }

    private void ask(Context ctx) throws IOException {
        Prepared p = prepare(askRequest(ctx));
        Answer a = work(() -> live.read(c -> new AskPipeline(c, embedder, reranker, p.generator())
                .ask(p.question(), p.options())));
        json(ctx, 200, AnswerBody.of(a));
    }

    private void askStream(Context ctx) throws IOException {
        Prepared p = prepare(askRequest(ctx));
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        AnswerTextStream text = new AnswerTextStream(); // token events carry the answer's text, without raw markers
        Consumer<String> token = t -> {
            if (!t.isEmpty()) event(out, "token", Map.of("text", t));
        };
        try {
            Answer a = work(() -> live.read(c -> new AskPipeline(
                    new Announcing(c, hits -> event(out, "retrieved", SearchBody.of(null, hits))), embedder, reranker,
                    new Streamed(p.generator(), piece -> token.accept(text.next(piece))))
                    .ask(p.question(), p.options())));
            token.accept(text.finish());
            event(out, "answer", AnswerBody.of(a));
        } catch (ClientGone e) {
            LOG.debug("a streamed answer's client went away: {}", e.getMessage()); // nobody left to tell
        } catch (ApiException e) {
            event(out, "error", new ErrorBody(e.error, e.getMessage()));
        } catch (IllegalArgumentException | CorpusException e) {
            event(out, "error", new ErrorBody("bad_request", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("streamed ask failed", e);
            event(out, "error", new ErrorBody("internal", "the server failed on this request; see its log"));
        }
        ctx.skipRemainingHandlers();
    }

    private static void event(OutputStream out, String name, Object data) {
        try {
            out.write(("event: " + name + "\ndata: " + Wire.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** Runs a question on one of the bounded workers; waiting too long is a 503. */
    private <T> T work(Supplier<T> task) {
        boolean got;
        try {
            got = workers.tryAcquire(BUSY_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "interrupted while waiting for a worker");
        }
        if (!got) {
            throw new ApiException(503, "busy", "all " + settings.workers() + " workers stayed busy for "
                    + BUSY_WAIT_SECONDS + " s; try again later");
        }
        try {
            return task.get();
        } finally {
            workers.release();
        }
    }

    /** {@link #work} for {@code /v1}: busy is the OpenAI API's own 503. */
    private <T> T workForV1(Supplier<T> task) {
        try {
            return work(task);
        } catch (ApiException e) {
            if (e.status == 503) throw new OpenAiApi.Busy(e.getMessage());
            throw e;
        }
    }

    private void search(Context ctx) {
        String q = limits.question("query (q)", ctx.queryParam("q"));
        int k = limits.k("k", intParam(ctx, "k", 5));
        int candidates = limits.candidates("candidates", intParam(ctx, "candidates", 50));
        RetrievalMode mode = RetrievalMode.parse(Objects.requireNonNullElse(ctx.queryParam("mode"), "hybrid"));
        HitFilter filter = new HitFilter(new HashSet<>(ctx.queryParams("source")), Set.of(), Set.of());
        SearchRequest request = new SearchRequest(q, mode, k, Math.max(k, candidates), SearchParams.DEFAULTS, null, filter);
        SearchResult r = work(() -> live.read(c -> c.search(request, mode == RetrievalMode.BM25 ? null : embedder)));
        json(ctx, 200, SearchBody.of(null, r));
    }

    private static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
        }
    }

    private void upload(Context ctx) {
        String length = ctx.header("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limits.maxUploadBytes()) {
            throw tooLarge(Long.parseLong(length));
        }
        if (ctx.contentType() == null || !ctx.contentType().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new IllegalArgumentException("send the files as multipart/form-data in the field 'file'");
        }
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles("file");
        } catch (Exception e) { // Jetty's multipart parser (Javalin rethrows its IOException unchecked): limits or junk
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("exceed") || m.contains("max")) throw tooLarge(-1);
            throw new IllegalArgumentException("the multipart body is malformed (" + e.getMessage()
                    + "): send the files as multipart/form-data in the field 'file'");
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no file: send multipart field 'file'");
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (UploadedFile f : files) {
            String name = storedName(f.filename());
            if (names.contains(name)) throw new IllegalArgumentException("the file '" + name + "' is sent twice");
            names.add(name);
            bytes += f.size();
        }
        if (bytes > limits.maxUploadBytes()) throw tooLarge(bytes);
        Path staged = jobs.stagingFolder();
        boolean queued = false;
        try {
            for (int i = 0; i < files.size(); i++) {
                try (InputStream in = files.get(i).content()) {
                    Files.copy(in, staged.resolve(names.get(i)));
                }
            }
            JobStatus job = jobs.submit(staged, names, bytes);
            queued = true;
            ctx.header("Location", "/api/jobs/" + job.id());
            json(ctx, 202, job);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload in " + jobs.uploads() + ": " + e.getMessage(), e);
        } finally {
            if (!queued) IngestJobs.deleteTree(staged);
        }
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(413, "payload_too_large", (bytes > 0 ? "the upload has " + bytes + " bytes; " : "the upload is too large; ")
                + "at most " + limits.maxUploadBytes() + " bytes are accepted (start the server with a larger --max-upload-mb)");
    }

    /** The name an uploaded file is stored under: its last path segment, if it is a usable, supported name. */
    static String storedName(String filename) {
        String raw = filename == null ? "" : filename;
        String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1).strip();
        if (name.isEmpty() || name.startsWith(".") || name.length() > 200 || name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new IllegalArgumentException("bad file name '" + raw + "': give the file a plain name such as notes.pdf");
        }
        if (!DocumentReaders.isSupported(Path.of(name))) {
            throw new IllegalArgumentException(name + ": unsupported file type; supported: "
                    + String.join(", ", DocumentReaders.supportedExtensions()));
        }
        return name;
    }

    private void documents(Context ctx) {
        json(ctx, 200, live.read(c -> c.sources().stream().map(this::info).toList()));
    }

    private DocumentInfo info(SourceEntry s) {
        String id = idOf(s.source());
        boolean readable = Files.isRegularFile(Path.of(s.source()));
        return new DocumentInfo(id, s.source(), HitFilter.fileName(s.source()), s.docIds().size(), s.ordinals().size(),
                s.bytes(), s.ingestedAt(), readable ? "/api/documents/" + id + "/file" : null);
    }

    /** A short stable id of a source key, safe in a URL. */
    static String idOf(String source) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private SourceEntry sourceById(String id) {
        return live.read(c -> c.sources().stream().filter(s -> idOf(s.source()).equals(id)).findFirst()).orElseThrow(
                () -> new ApiException(404, "not_found", "no document with id '" + id + "' (see GET /api/documents)"));
    }

    private void delete(Context ctx) {
        SourceEntry s = sourceById(ctx.pathParam("id"));
        DocumentInfo info = info(s);
        if (!jobs.remove(s.source())) {
            throw new ApiException(404, "not_found", "the document '" + info.name() + "' was already removed");
        }
        json(ctx, 200, info);
    }

    private void file(Context ctx) throws IOException {
        SourceEntry s = sourceById(ctx.pathParam("id"));
        Path file = Path.of(s.source());
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "not_found", "the file of '" + HitFilter.fileName(s.source())
                    + "' is no longer on the server's disk");
        }
        String name = HitFilter.fileName(s.source()).toLowerCase(Locale.ROOT);
        String type = name.endsWith(".pdf") ? "application/pdf" : "text/plain; charset=utf-8";
        // the page's CSP (object-src 'none') would keep the browser's PDF viewer from showing the file; other types
        // are sent as text, so only framing needs forbidding here
        ctx.contentType(type).header("Content-Disposition", "inline").header("Content-Security-Policy", "frame-ancestors 'none'");
        ctx.result(Files.newInputStream(file));
    }

    private void job(Context ctx) {
        JobStatus s = jobs.status(ctx.pathParam("id"));
        if (s == null) throw new ApiException(404, "not_found", "no job with id '" + ctx.pathParam("id") + "'");
        json(ctx, 200, s);
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Wire.write(body));
    }

    private static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, new ErrorBody(code, message == null ? code : message));
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 503 -> "busy";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }

    /** Jackson's complaint as one line naming the field, without parser class names. */
    static String jsonProblem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "' in the JSON body; known: question, k, candidates, "
                    + "mode, no_rag, sources";
        }
        String msg = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
        msg = msg.replaceAll("`[a-zA-Z0-9_.$]+\\.([A-Za-z0-9_$]+)`", "$1").replaceAll("\\(class [^)]*\\)", "").strip();
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
        return "malformed JSON body" + where + ": " + msg;
    }

    @Override
    public void close() {
        app.stop();
        jobs.close();
        live.close();
    }

    /** The client of a stream closed its connection. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A failure with its HTTP status and error code. */
    static final class ApiException extends RuntimeException {
        final int status;
        final String error;

        ApiException(int status, String error, String message) {
            super(message);
            this.status = status;
            this.error = error;
        }
    }
}
