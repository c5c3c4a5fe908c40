package dev.ragtune.rag.answer;

import java.util.List;
import java.util.Objects;

/**
 * What a generator is asked: the rendered prompt, and the question and contexts it was made from (an extractive
 * generator reads those instead of the prompt).
 *
 * @param contexts empty for a no-RAG question
 */
public record GenerationRequest(String question, String prompt, List<Context> contexts) {
    public GenerationRequest {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(prompt, "prompt");
        contexts = List.copyOf(contexts);
    }
}
