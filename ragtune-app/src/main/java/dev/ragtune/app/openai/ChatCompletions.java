package dev.ragtune.app.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Citation;
import dev.ragtune.rag.answer.Generator;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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

    private final OpenAiApi.Services services;
    private final OpenAiApi.Limits limits;

    ChatCompletions(OpenAiApi.Services services, OpenAiApi.Limits limits) {
        this.services = services;
        this.limits = limits;
    }

    /** A checked request: what to ask, whom, and how to shape the reply. */
    private record Plan(String model, String question, List<ChatHistory.Turn> turns, boolean noRag,
                        Integer maxTokens, List<String> stops, OpenAiApi.Sampling sampling) {}

    /** The reply's text and how it ended, ready to send whole or in pieces. */
    record Reply(String content, String finishReason, Usage usage, List<CitationBody> citations) {}

    void handle(Context ctx, byte[] body) throws IOException {
        ChatRequest request = Wire.JSON.readValue(body, ChatRequest.class);
        Plan plan = check(request);
        Reply reply = answer(plan);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (request.streaming()) {
            stream(ctx, id, created, plan.model(), reply, request.includeUsage());
        } else {
            ChatCompletion.Choice choice = new ChatCompletion.Choice(0,
                    new ChatCompletion.ResponseMessage("assistant", reply.content(), null), null, reply.finishReason());
            OpenAiApi.send(ctx, 200, new ChatCompletion(id, "chat.completion", created, plan.model(), null,
                    List.of(choice), reply.usage(), reply.citations()));
        }
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

    private Reply answer(Plan plan) {
        Generator model = services.decoding().apply(plan.noRag() ? services.noRagGenerator() : services.generator(),
                plan.sampling());
        ChatHistory generator = ChatHistory.of(model, plan.turns());
        AskPipeline.Options o = services.options();
        AskPipeline.Options options = new AskPipeline.Options(o.k(), o.candidates(), o.mode(), o.params(),
                plan.noRag(), o.template(), o.fusion(), o.filter());
        Answer a = services.corpus().ask(retriever -> new AskPipeline(plan.noRag() ? null : retriever,
                services.embedder(), services.reranker(), generator).ask(plan.question(), options));
        List<CitationBody> citations = a.citations().stream().map(CitationBody::of).toList();
        String content = withMarkers(a.text(), a.citations());
        String finish = "stop";
        int cut = firstStop(content, plan.stops());
        if (cut >= 0) content = content.substring(0, cut);
        if (plan.maxTokens() != null && generator.countTokens(content) > plan.maxTokens()) {
            content = firstTokens(content, plan.maxTokens(), generator);
            finish = "length";
        }
        int promptTokens = generator.historyTokens() + a.prompt().tokens();
        return new Reply(content, finish, Usage.chat(promptTokens, generator.countTokens(content)), citations);
    }

    /** The answer with one {@code [n]} marker per cited passage at its end, e.g. {@code "… adapters. [1][2]"}. */
    static String withMarkers(String text, List<Citation> citations) {
        if (text.isBlank() || citations.isEmpty()) return text;
        StringBuilder out = new StringBuilder(text.stripTrailing()).append(' ');
        for (Citation c : citations) out.append('[').append(c.n()).append(']');
        return out.toString();
    }

    private static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /** The longest run of whole word pieces from the start whose tokens stay within {@code max}. */
    static String firstTokens(String text, int max, Generator counter) {
        List<String> pieces = pieces(text);
        int lo = 0;
        int hi = pieces.size();
        while (lo < hi) { // the token count grows with the number of pieces: search the last that fits
            int mid = (lo + hi + 1) >>> 1;
            if (counter.countTokens(String.join("", pieces.subList(0, mid)).stripTrailing()) <= max) lo = mid;
            else hi = mid - 1;
        }
        return String.join("", pieces.subList(0, lo)).stripTrailing();
    }

    /** {@code text} cut before each word that follows white space; the pieces joined are {@code text} again. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split("(?<=\\s)(?=\\S)")) {
            if (!p.isEmpty()) out.add(p);
        }
        return out;
    }

    private static void stream(Context ctx, String id, long created, String model, Reply reply, boolean includeUsage)
            throws IOException {
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.add(chunk(id, created, model, new ChatChunk.Delta("assistant", ""), null));
        for (String piece : pieces(reply.content())) {
            chunks.add(chunk(id, created, model, new ChatChunk.Delta(null, piece), null));
        }
        chunks.add(chunk(id, created, model, new ChatChunk.Delta(null, null), reply.finishReason()));
        if (includeUsage) {
            chunks.add(new ChatChunk(id, "chat.completion.chunk", created, model, null, List.of(), reply.usage(), null));
        }
        ChatChunk last = chunks.remove(chunks.size() - 1);
        chunks.add(new ChatChunk(last.id(), last.object(), last.created(), last.model(), null, last.choices(),
                last.usage(), reply.citations()));
        try {
            for (ChatChunk c : chunks) event(out, Wire.JSON.writeValueAsString(c));
            event(out, "[DONE]");
        } catch (UncheckedIOException e) {
            return; // the client went away: nothing to answer
        }
        ctx.skipRemainingHandlers();
    }

    private static ChatChunk chunk(String id, long created, String model, ChatChunk.Delta delta, String finish) {
        return new ChatChunk(id, "chat.completion.chunk", created, model, null,
                List.of(new ChatChunk.Choice(0, delta, null, finish)), null, null);
    }

    private static void event(OutputStream out, String data) {
        try {
            out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }
}
