package dev.ragtune.app.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of {@code POST /v1/chat/completions} without streaming. {@code citations} is ragtune's extra field
 * (clients that do not know it ignore it): the passages the {@code [n]} markers of the text point to.
 */
record ChatCompletion(String id, String object, long created, String model, String systemFingerprint,
                      List<Choice> choices, Usage usage, List<CitationBody> citations) {

    record Choice(int index, ResponseMessage message, @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs,
                  String finishReason) {}

    /** {@code refusal} is always null but present, as OpenAI sends it. */
    record ResponseMessage(String role, String content, @JsonInclude(JsonInclude.Include.ALWAYS) String refusal) {}
}
