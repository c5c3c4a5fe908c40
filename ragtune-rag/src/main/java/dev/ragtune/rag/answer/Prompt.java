package dev.ragtune.rag.answer;

import java.util.List;

/**
 * A rendered prompt within the model's input budget.
 *
 * @param text              the prompt
 * @param contexts          the contexts in it, numbered as shown
 * @param tokens            its length in the generator's tokens
 * @param compressed        true when contexts were cut down to their most relevant sentences to fit
 * @param questionTruncated true when the question alone was too long and was cut
 */
public record Prompt(String text, List<Context> contexts, int tokens, boolean compressed, boolean questionTruncated) {
    public Prompt {
        contexts = List.copyOf(contexts);
    }
}
