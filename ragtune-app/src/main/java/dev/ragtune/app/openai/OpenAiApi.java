package dev.ragtune.app.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.rerank.Reranker;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's REST API under {@code /v1}, so OpenAI clients (the official SDKs, LangChain4j, Spring AI) reach ragtune by
 * pointing their base URL at it:
 * <ul>
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/{id}}: {@value #RAG_MODEL} (answers from the collection, as
 *       {@code ask}), {@value #NO_RAG_MODEL} (the generative model alone, when one is loaded) and the embedder;</li>
 *   <li>{@code POST /v1/chat/completions}, streamed as server-sent events with {@code stream: true};</li>
 *   <li>{@code POST /v1/embeddings}: the collection's embedder, float or base64.</li>
 * </ul>
 * Errors answer OpenAI's {@code {"error":{"message","type","param","code"}}}: 401 without the token when one is set
 * (clients send their API key as {@code Authorization: Bearer}), 400 for malformed or unsupported requests, 404 for
 * an unknown model, 413 for a body over the bound, 503 when no worker is free, 500 (with no detail; the log has it)
 * for a failure of the server.
 */
public final class OpenAiApi {
    public static final String RAG_MODEL = "ragtune";
    public static final String NO_RAG_MODEL = "ragtune-no-rag";
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiApi.class);

    /**
     * Runs one question against the server's corpus: the server decides which generation of the corpus it sees
     * and how many questions run at once.
     */
    @FunctionalInterface
    public interface Corpus {
        /** @throws Busy when no worker is free to take the question (the client gets a 503) */
        Answer ask(Function<Retriever, Answer> question);
    }

    /** The server has no worker free for a question now; the client may try again later. */
    public static final class Busy extends RuntimeException {
        public Busy(String message) {
            super(message);
        }
    }

    /** A client's decoding settings for one request (null: not given). */
    public record Sampling(Integer maxTokens, Double temperature, Double topP, Long seed) {}

    /** Makes a generator decode one request with a client's settings, or gives it back when it cannot. */
    @FunctionalInterface
    public interface Decoding {
        Generator apply(Generator generator, Sampling sampling);
    }

    /**
     * What the API answers with.
     *
     * @param corpus         where questions to {@value #RAG_MODEL} are answered
     * @param embedder       the collection's embedder (embeddings, and the extractive answerer's tokens)
     * @param reranker       cross-encoder, or null
     * @param generator      answers with retrieval (extractive or generative)
     * @param noRagGenerator the generative model alone, or null when none is loaded ({@value #NO_RAG_MODEL} is then
     *                       not served)
     * @param options        k, candidates and retrieval mode of every question (no-RAG is set per model)
     * @param decoding       how a request's max_tokens, temperature, top_p and seed reach the generator; null when
     *                       the generators take none (the reply is still cut to max_tokens)
     */
    public record Services(Corpus corpus, Embedder embedder, Reranker reranker, Generator generator,
                           Generator noRagGenerator, AskPipeline.Options options, Decoding decoding) {
        public Services {
            Objects.requireNonNull(corpus, "corpus");
            Objects.requireNonNull(embedder, "embedder");
            Objects.requireNonNull(generator, "generator");
            options = options == null ? AskPipeline.Options.defaults() : options;
            decoding = decoding == null ? (g, s) -> g : decoding;
        }

        /** The names {@code GET /v1/models} lists: chat models first, then the embedder. */
        List<String> modelNames() {
            List<String> names = new ArrayList<>(List.of(RAG_MODEL));
            if (noRagGenerator != null) names.add(NO_RAG_MODEL);
            names.add(embedder.id());
            return names;
        }
    }

    /**
     * Bounds of one request.
     *
     * @param maxBodyBytes           largest request body (413 above)
     * @param maxMessages            most messages in a chat
     * @param maxQuestionChars       longest question (the last user message)
     * @param maxEmbeddingInputs     most texts in one embeddings request
     * @param maxEmbeddingInputChars longest text to embed
     */
    public record Limits(long maxBodyBytes, int maxMessages, int maxQuestionChars, int maxEmbeddingInputs,
                         int maxEmbeddingInputChars) {
        public static final Limits DEFAULTS = new Limits(1_000_000, 64, 2_000, 256, 32_000);

        public Limits {
            if (maxBodyBytes < 1 || maxMessages < 1 || maxQuestionChars < 1 || maxEmbeddingInputs < 1
                    || maxEmbeddingInputChars < 1) {
                throw new IllegalArgumentException("every /v1 limit must be >= 1: body " + maxBodyBytes
                        + ", messages " + maxMessages + ", question " + maxQuestionChars + ", inputs "
                        + maxEmbeddingInputs + ", input chars " + maxEmbeddingInputChars);
            }
        }
    }

    private final Services services;
    private final Limits limits;
    private final byte[] token;
    private final long created = System.currentTimeMillis() / 1000;

    private OpenAiApi(Services services, Limits limits, Optional<String> token) {
        this.services = Objects.requireNonNull(services, "services");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (token.isPresent() && token.get().isBlank()) throw new IllegalArgumentException("the API token is empty");
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * Adds the {@code /v1} routes to {@code app}.
     *
     * @param token when present, every {@code /v1} call must carry {@code Authorization: Bearer <token>}
     */
    public static void register(Javalin app, Services services, Limits limits, Optional<String> token) {
        OpenAiApi api = new OpenAiApi(services, limits, token);
        ChatCompletions chat = new ChatCompletions(services, limits);
        Embeddings embeddings = new Embeddings(services.embedder(), limits);
        app.get("/v1/models", api.guarded(api::models));
        app.get("/v1/models/{model}", api.guarded(api::model));
        app.post("/v1/chat/completions", api.guarded(ctx -> chat.handle(ctx, api.body(ctx))));
        app.post("/v1/embeddings", api.guarded(ctx -> embeddings.handle(ctx, api.body(ctx))));
        // any other /v1 path or method: 404 in OpenAI's shape, so OpenAI clients read it as they read every /v1 error
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE)) {
            app.addHttpHandler(method, "/v1/*", api.guarded(ctx -> {
                throw new ApiError(404, "invalid_request_error", null, "unknown_url", "no such endpoint: "
                        + ctx.method() + " " + ctx.path() + " (the OpenAI-compatible API serves GET /v1/models, "
                        + "POST /v1/chat/completions and POST /v1/embeddings)");
            }));
        }
    }

    private void models(Context ctx) throws IOException {
        List<ModelList.Model> list = services.modelNames().stream().map(this::model).toList();
        send(ctx, 200, new ModelList("list", list));
    }

    private void model(Context ctx) throws IOException {
        String id = ctx.pathParam("model");
        if (!services.modelNames().contains(id)) throw unknownModel(services, id);
        send(ctx, 200, model(id));
    }

    private ModelList.Model model(String id) {
        return new ModelList.Model(id, "model", created, "ragtune");
    }

    static ApiError unknownModel(Services services, String model) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found", "the model '" + model
                + "' does not exist here; this server has " + String.join(", ", services.modelNames()));
    }

    /** The request body, refused with 413 when larger than the bound. */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limits.maxBodyBytes()) throw tooLarge(declared);
        byte[] body = ctx.bodyAsBytes();
        if (body.length > limits.maxBodyBytes()) throw tooLarge(body.length);
        if (body.length == 0) throw ApiError.invalid(null, "the request body is empty: send a JSON object");
        return body;
    }

    private ApiError tooLarge(long bytes) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large", "the request body has " + bytes
                + " bytes; at most " + limits.maxBodyBytes() + " are accepted");
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            try {
                authorize(ctx);
                handler.handle(ctx);
            } catch (Exception e) {
                fail(ctx, errorOf(e, ctx.method() + " " + ctx.path()));
            }
        };
    }

    /**
     * The OpenAI error a failure answers with, for a plain response and for a stream's error event alike: the
     * request's own faults are 4xx with the reason, busy is 503, anything else is a 500 without detail (logged here
     * with {@code what} failed).
     */
    static ApiError errorOf(Exception e, String what) {
        if (e instanceof ApiError api) return api;
        if (e instanceof Busy) return new ApiError(503, "server_error", null, "server_busy", e.getMessage());
        if (e instanceof HttpResponseException h) { // Javalin's own bounds (e.g. a chunked body over its request size)
            return new ApiError(h.getStatus(), "invalid_request_error", null,
                    h.getStatus() == 413 ? "request_too_large" : null, h.getMessage());
        }
        if (e instanceof MismatchedInputException m) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
            String expected = expectedJson(m.getTargetType());
            return field.isEmpty() ? ApiError.invalid(null, "the body must be " + expected)
                    : ApiError.invalid(field, "the field '" + field + "' must be " + expected);
        }
        if (e instanceof JsonProcessingException j) {
            return ApiError.invalid(null, "the body is not valid JSON: "
                    + j.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (e instanceof IllegalArgumentException || e instanceof CorpusException) {
            return ApiError.invalid(null, e.getMessage());
        }
        LOG.error("{} failed", what, e);
        return new ApiError(500, "server_error", null, null, "the server failed on this request; its log has the details");
    }

    /** What a JSON value for {@code type} looks like, in a client's words (no Java class names). */
    private static String expectedJson(Class<?> type) {
        if (type == null) return "of another type";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) return "an array";
        return "a JSON object";
    }

    private void authorize(Context ctx) {
        if (token == null) return;
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key", "no API key: send the "
                    + "server's token as the API key (header Authorization: Bearer TOKEN)");
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key", "the API key is not this "
                    + "server's token");
        }
    }

    /**
     * Writes a refusal decided outside this API (the server's Host and Origin checks) in OpenAI's error shape, so
     * OpenAI clients read every {@code /v1} failure the same way.
     */
    public static void refuse(Context ctx, int status, String code, String message) {
        fail(ctx, new ApiError(status, "invalid_request_error", null, code, message));
    }

    private static void fail(Context ctx, ApiError e) {
        if (e.status == 401) ctx.header("WWW-Authenticate", "Bearer");
        try {
            send(ctx, e.status, e.body());
        } catch (IOException io) {
            throw new IllegalStateException("could not write the error", io);
        }
    }

    static void send(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Wire.JSON.writeValueAsBytes(body));
    }
}
