package dev.ragtune.app.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One {@code data:} event of a streamed chat completion. The last chunk before {@code [DONE]} carries ragtune's
 * {@code citations}; with {@code stream_options.include_usage} that is a chunk with no choices and the usage, and
 * every other chunk has {@code "usage": null} as OpenAI sends it.
 */
record ChatChunk(String id, String object, long created, String model, String systemFingerprint, List<Choice> choices,
                 @JsonInclude(JsonInclude.Include.ALWAYS) Usage usage, List<CitationBody> citations) {

    record Choice(int index, Delta delta, @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs,
                  @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {}

    /** The piece of the message this chunk adds: the role in the first chunk, then text, then nothing. */
    record Delta(String role, String content) {}
}
