package dev.ragtune.app.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AnswerTextStream;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Citation;
import dev.ragtune.rag.answer.Generator;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}: the last user message is the question, earlier turns go before the prompt
 * ({@link ChatHistory}), the answer comes back with {@code [n]} markers and the cited passages. With
 * {@code stream: true} the same text is sent in word pieces as server-sent events. Requests that ask for what ragtune
 * does not do and that would change the answer's meaning if ignored ({@code n > 1}, tools, JSON response formats,
 * log-probabilities, audio) are refused with 400.
 */
final class ChatCompletions {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    private static final int MAX_STOP = 4;
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletions.class);

    private final OpenAiApi.Services services;
    private final OpenAiApi.Limits limits;

    ChatCompletions(OpenAiApi.Services services, OpenAiApi.Limits limits) {
        this.services = services;
        this.limits = limits;
    }

    /** A checked request: what to ask, whom, and how to shape the reply. */
    private record Plan(String model, String question, List<ChatHistory.Turn> turns, boolean noRag,
                        Integer maxTokens, List<String> stops, OpenAiApi.Sampling sampling) {}

    /** The reply's text and how it ended. */
    record Reply(String content, String finishReason, Usage usage, List<CitationBody> citations) {}

    void handle(Context ctx, byte[] body) throws IOException {
        ChatRequest request = Wire.JSON.readValue(body, ChatRequest.class);
        Plan plan = check(request);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (request.streaming()) {
            stream(ctx, plan, new ChunkEvents(ctx, id, created, plan.model()), request.includeUsage());
            return;
        }
        Reply reply = answer(plan, () -> {}, null);
        ChatCompletion.Choice choice = new ChatCompletion.Choice(0,
                new ChatCompletion.ResponseMessage("assistant", reply.content(), null), null, reply.finishReason());
        OpenAiApi.send(ctx, 200, new ChatCompletion(id, "chat.completion", created, plan.model(), null,
                List.of(choice), reply.usage(), reply.citations()));
    }

    private Plan check(ChatRequest r) {
        if (r.model() == null || r.model().isBlank()) {
            throw ApiError.invalid("model", "the field 'model' is missing: use '" + OpenAiApi.RAG_MODEL + "'");
        }
        boolean noRag = r.model().equals(OpenAiApi.NO_RAG_MODEL) && services.noRagGenerator() != null;
        if (!r.model().equals(OpenAiApi.RAG_MODEL) && !noRag) throw OpenAiApi.unknownModel(services, r.model());
        if (r.n() != null && r.n() != 1) {
            throw ApiError.unsupported("n", "n = " + r.n() + " is not supported: ragtune gives one answer per request");
        }
        if (present(r.tools()) || present(r.functions())) {
            throw ApiError.unsupported(present(r.tools()) ? "tools" : "functions", "tools and functions are not "
                    + "supported: ragtune answers from its collection and calls no tool");
        }
        if (present(r.toolChoice()) && !r.toolChoice().asText().equals("none")) {
            throw ApiError.unsupported("tool_choice", "tool_choice is not supported (no tools are)");
        }
        if (present(r.functionCall()) && !r.functionCall().asText().equals("none")) {
            throw ApiError.unsupported("function_call", "function_call is not supported (no functions are)");
        }
        if (present(r.responseFormat()) && !r.responseFormat().path("type").asText("").equals("text")) {
            throw ApiError.unsupported("response_format", "response_format '"
                    + r.responseFormat().path("type").asText(r.responseFormat().toString())
                    + "' is not supported: ragtune answers in text (type 'text')");
        }
        if (Boolean.TRUE.equals(r.logprobs()) || (r.topLogprobs() != null && r.topLogprobs() > 0)) {
            throw ApiError.unsupported("logprobs", "logprobs are not supported");
        }
        if (present(r.logitBias()) && r.logitBias().size() > 0) {
            throw ApiError.unsupported("logit_bias", "logit_bias is not supported");
        }
        if (present(r.audio()) || (present(r.modalities()) && !r.modalities().toString().equals("[\"text\"]"))) {
            throw ApiError.unsupported("modalities", "only text is supported (no audio)");
        }
        if (present(r.prediction())) throw ApiError.unsupported("prediction", "predicted outputs are not supported");
        if (r.temperature() != null && (r.temperature() < 0 || r.temperature() > 2)) {
            throw ApiError.invalid("temperature", "temperature must be between 0 and 2, was " + r.temperature());
        }
        if (r.topP() != null && (r.topP() <= 0 || r.topP() > 1)) {
            throw ApiError.invalid("top_p", "top_p must be in (0, 1], was " + r.topP());
        }
        Integer maxTokens = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (maxTokens != null && maxTokens < 1) {
            throw ApiError.invalid(r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens",
                    "max tokens must be >= 1, was " + maxTokens);
        }
        List<String> stops = stops(r.stop());
        List<ChatRequest.Message> messages = r.messages();
        if (messages == null || messages.isEmpty()) {
            throw ApiError.invalid("messages", "the field 'messages' is missing or empty: send at least the user's "
                    + "question, e.g. [{\"role\":\"user\",\"content\":\"What does LoRA freeze?\"}]");
        }
        if (messages.size() > limits.maxMessages()) {
            throw ApiError.invalid("messages", "the chat has " + messages.size() + " messages; at most "
                    + limits.maxMessages() + " are accepted");
        }
        List<ChatHistory.Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatRequest.Message m = messages.get(i);
            String param = "messages[" + i + "]";
            if (m == null || m.role() == null) throw ApiError.invalid(param + ".role", param + " has no role");
            if (m.role().equals("tool") || m.role().equals("function") || present(m.toolCalls())) {
                throw ApiError.unsupported(param + ".role", "tool messages and tool calls are not supported");
            }
            if (!ROLES.contains(m.role())) {
                throw ApiError.invalid(param + ".role", "unknown role '" + m.role() + "'; use system, developer, "
                        + "user or assistant");
            }
            turns.add(new ChatHistory.Turn(m.role(), text(m.content(), param + ".content")));
        }
        ChatHistory.Turn last = turns.remove(turns.size() - 1);
        if (!last.role().equals("user")) {
            throw ApiError.invalid("messages", "the last message must be the user's question, was a '" + last.role()
                    + "' message");
        }
        String question = last.text().strip();
        if (question.isEmpty()) {
            throw ApiError.invalid("messages", "the question (the last user message) is empty");
        }
        if (question.length() > limits.maxQuestionChars()) {
            throw ApiError.invalid("messages", "the question has " + question.length() + " characters; at most "
                    + limits.maxQuestionChars() + " are accepted");
        }
        return new Plan(r.model(), question, turns, noRag, maxTokens, stops,
                new OpenAiApi.Sampling(maxTokens, r.temperature(), r.topP(), r.seed()));
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    /** {@code content} as text: a string, or an array of text parts joined. */
    private static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) throw ApiError.invalid(param, param + " is missing");
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (!type.equals("text")) {
                    throw ApiError.unsupported(param, "content parts of type '" + type + "' are not supported; "
                            + "send text");
                }
                if (out.length() > 0) out.append('\n');
                out.append(part.path("text").asText(""));
            }
            return out.toString();
        }
        throw ApiError.invalid(param, param + " must be a string or an array of text parts");
    }

    private static List<String> stops(JsonNode stop) {
        if (!present(stop)) return List.of();
        List<String> out = new ArrayList<>();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray() && stop.size() <= MAX_STOP) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw ApiError.invalid("stop", "stop must be a string or an array of strings");
                out.add(s.asText());
            }
        } else {
            throw ApiError.invalid("stop", "stop must be a string or an array of at most " + MAX_STOP + " strings");
        }
        if (out.stream().anyMatch(String::isEmpty)) throw ApiError.invalid("stop", "a stop sequence is empty");
        return out;
    }

    /**
     * Answers {@code plan}. {@code onStart} runs once a worker has taken the question, before retrieval. With
     * {@code onReply}, the reply's text is told to it while the model writes it, in parts that no later text can
     * change (markers and white space settled by {@link AnswerTextStream}, stop sequences and max_tokens by
     * {@link ReplyCut}); the parts joined are the reply's content, the same as without {@code onReply}.
     *
     * @param onReply null to generate without streaming
     */
    private Reply answer(Plan plan, Runnable onStart, Consumer<String> onReply) {
        Generator model = services.decoding().apply(plan.noRag() ? services.noRagGenerator() : services.generator(),
                plan.sampling());
        ChatHistory generator = ChatHistory.of(model, plan.turns());
        AskPipeline.Options o = services.options();
        AskPipeline.Options options = new AskPipeline.Options(o.k(), o.candidates(), o.mode(), o.params(),
                plan.noRag(), o.template(), o.fusion(), o.filter());
        ReplyCut cut = new ReplyCut(plan.stops(), plan.maxTokens(), generator::countTokens);
        AnswerTextStream text = new AnswerTextStream();
        Answer a = services.corpus().ask(retriever -> {
            onStart.run();
            AskPipeline pipeline = new AskPipeline(plan.noRag() ? null : retriever, services.embedder(),
                    services.reranker(), generator);
            return onReply == null ? pipeline.ask(plan.question(), options)
                    : pipeline.ask(plan.question(), options, piece -> onReply.accept(cut.next(text.next(piece))));
        });
        List<CitationBody> citations = a.citations().stream().map(CitationBody::of).toList();
        String whole = withMarkers(a.text(), a.citations());
        if (onReply == null) {
            cut.next(whole);
        } else {
            String rest = text.finish();
            String streamed = text.text();
            String unsent = "";
            if (whole.startsWith(streamed)) {
                unsent = whole.substring(streamed.length()); // the markers, added after the text
            } else { // a generator whose pieces are not its text: what was sent stays
                LOG.warn("the streamed pieces of {} do not join to its answer; the stream's text differs",
                        generator.id());
            }
            onReply.accept(cut.next(rest + unsent));
        }
        String last = cut.finish();
        if (onReply != null) onReply.accept(last);
        String content = cut.released();
        int promptTokens = generator.historyTokens() + a.prompt().tokens();
        return new Reply(content, cut.finishReason(), Usage.chat(promptTokens, generator.countTokens(content)),
                citations);
    }

    /** The answer with one {@code [n]} marker per cited passage at its end, e.g. {@code "… adapters. [1][2]"}. */
    static String withMarkers(String text, List<Citation> citations) {
        if (text.isBlank() || citations.isEmpty()) return text;
        StringBuilder out = new StringBuilder(text.stripTrailing()).append(' ');
        for (Citation c : citations) out.append('[').append(c.n()).append(']');
        return out.toString();
    }

    /** {@code text} cut before each word that follows white space; the pieces joined are {@code text} again. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split("(?<=\\s)(?=\\S)")) {
            if (!p.isEmpty()) out.add(p);
        }
        return out;
    }

    /**
     * Streams the answer to {@code plan} as OpenAI does: the role chunk once a worker has the question, the reply's
     * text while it is generated, then the finish chunk, the usage chunk when asked, ragtune's citations on the last
     * chunk and {@code [DONE]}. A refusal before the first chunk (busy, bad request) is an HTTP error; a failure after
     * it is an error event and no {@code [DONE]}; a client that went away stops the generation.
     */
    private void stream(Context ctx, Plan plan, ChunkEvents events, boolean includeUsage) {
        try {
            Reply reply = answer(plan, events::start, events::content);
            events.end(reply, includeUsage);
        } catch (RuntimeException e) {
            if (events.gone()) {
                LOG.debug("a streamed chat completion's client went away: {}", e.getMessage());
            } else if (!events.started()) {
                throw e; // nothing sent yet: the API answers with the error's status
            } else {
                events.fail(e);
            }
        }
        ctx.skipRemainingHandlers();
    }

    /** The {@code data:} events of one streamed chat completion, and whether its client is still there. */
    private static final class ChunkEvents {
        private final Context ctx;
        private final String id;
        private final long created;
        private final String model;
        private OutputStream out;
        private volatile boolean gone;

        ChunkEvents(Context ctx, String id, long created, String model) {
            this.ctx = ctx;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        boolean started() {
            return out != null;
        }

        boolean gone() {
            return gone;
        }

        /** Commits the 200 and sends the role chunk. */
        void start() {
            ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no");
            try {
                out = ctx.res().getOutputStream();
            } catch (IOException e) {
                gone = true;
                throw new ClientGone(e);
            }
            send(chunk(new ChatChunk.Delta("assistant", ""), null));
        }

        /** Sends reply text, a chunk per word; throws {@link ClientGone} once the client has left. */
        void content(String text) {
            if (gone) throw new ClientGone(null);
            for (String piece : pieces(text)) send(chunk(new ChatChunk.Delta(null, piece), null));
        }

        void end(Reply reply, boolean includeUsage) {
            List<ChatChunk> chunks = new ArrayList<>();
            chunks.add(chunk(new ChatChunk.Delta(null, null), reply.finishReason()));
            if (includeUsage) {
                chunks.add(new ChatChunk(id, "chat.completion.chunk", created, model, null, List.of(), reply.usage(),
                        null));
            }
            ChatChunk last = chunks.remove(chunks.size() - 1);
            chunks.add(new ChatChunk(last.id(), last.object(), last.created(), last.model(), null, last.choices(),
                    last.usage(), reply.citations()));
            for (ChatChunk c : chunks) send(c);
            write("[DONE]");
        }

        /** Ends the stream with OpenAI's error object instead of {@code [DONE]}. */
        void fail(RuntimeException e) {
            ApiError error = OpenAiApi.errorOf(e, "a streamed chat completion");
            try {
                write(Wire.JSON.writeValueAsString(error.body()));
            } catch (IOException | ClientGone ignored) {
                // the client is gone too: nobody left to tell
            }
        }

        private ChatChunk chunk(ChatChunk.Delta delta, String finish) {
            return new ChatChunk(id, "chat.completion.chunk", created, model, null,
                    List.of(new ChatChunk.Choice(0, delta, null, finish)), null, null);
        }

        private void send(ChatChunk chunk) {
            try {
                write(Wire.JSON.writeValueAsString(chunk));
            } catch (IOException e) {
                throw new IllegalStateException("could not write a chunk", e);
            }
        }

        private void write(String data) {
            try {
                out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone = true;
                throw new ClientGone(e);
            }
        }
    }

    /** The client of a stream closed its connection: thrown out of the generator to stop it. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super(cause == null ? "the client went away" : cause.getMessage(), cause);
        }
    }
}
