package dev.ragtune.app.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: the fields ragtune reads. Fields whose JSON may take several shapes
 * ({@code stop}: string or array; {@code response_format}, {@code tools}) stay as trees and are checked by
 * {@link ChatCompletions}.
 */
record ChatRequest(String model, List<Message> messages, Boolean stream, StreamOptions streamOptions,
                   Integer maxTokens, Integer maxCompletionTokens, Double temperature, Double topP, Long seed,
                   JsonNode stop, Integer n, JsonNode tools, JsonNode toolChoice, JsonNode functions,
                   JsonNode functionCall, JsonNode responseFormat, Boolean logprobs, Integer topLogprobs,
                   JsonNode logitBias, JsonNode modalities, JsonNode audio, JsonNode prediction,
                   Double presencePenalty, Double frequencyPenalty, String user) {

    /** One turn: {@code content} is a string or an array of parts ({@code {"type":"text","text":…}}). */
    record Message(String role, JsonNode content, String name, JsonNode toolCalls) {}

    record StreamOptions(Boolean includeUsage) {}

    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }
}
