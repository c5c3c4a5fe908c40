package dev.ragtune.rag.answer;

import java.util.List;

/**
 * An answer with where it came from and how long each step took.
 *
 * @param mode        {@code generative}, {@code extractive} or {@code no-rag}
 * @param generator   what generated it
 * @param attribution how the citations were found: {@code cited} (the model's own [n] markers), {@code extractive}
 *                    (the sentences it copied), {@code overlap} (the model did not cite; words shared with each
 *                    context), or {@code none}
 * @param prompt      the prompt the generator saw
 * @param warnings    what the user should know (question cut, contexts compressed, …)
 * @param evidence    the sentence an extractive answer was chosen by and its score; null for a generative answer
 */
public record Answer(String question, String text, String mode, String generator, List<Citation> citations,
                     String attribution, List<Context> contexts, Prompt prompt, Timings timings, List<String> warnings,
                     Evidence evidence) {
    public Answer {
        citations = List.copyOf(citations);
        contexts = List.copyOf(contexts);
        warnings = List.copyOf(warnings);
    }

    /** An answer without evidence (generative or no-RAG). */
    public Answer(String question, String text, String mode, String generator, List<Citation> citations,
                  String attribution, List<Context> contexts, Prompt prompt, Timings timings, List<String> warnings) {
        this(question, text, mode, generator, citations, attribution, contexts, prompt, timings, warnings, null);
    }

    /** Milliseconds per step; rerank is 0 without a re-ranker, embed and search are 0 without retrieval. */
    public record Timings(double embed, double search, double rerank, double prompt, double generate, double total) {}
}
