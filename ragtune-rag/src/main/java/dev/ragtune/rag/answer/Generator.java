package dev.ragtune.rag.answer;

/**
 * Turns a prompt (and the contexts it holds) into an answer. The rag module sees models only through this seam: the
 * app wires a T5 model here; {@link ExtractiveGenerator} is the built-in default that needs no model.
 */
public interface Generator extends AutoCloseable {
    /** {@code generative} for a model that writes text, {@code extractive} for one that selects sentences. */
    String mode();

    /** What generates, e.g. the model folder or {@code extractive(all-MiniLM-L6-v2)}. */
    String id();

    /** Tokens {@code text} takes in the model's input (what the prompt budget is counted in). */
    int countTokens(String text);

    /** Longest input the model takes, in tokens (512 for FLAN-T5 by default). */
    int maxInputTokens();

    Generation generate(GenerationRequest request);

    /**
     * Generates and tells {@code onText} the answer's text piece by piece as it is written (the pieces concatenated
     * are the generated text). A generator that cannot stream tells the whole text once, at the end.
     */
    default Generation generate(GenerationRequest request, java.util.function.Consumer<String> onText) {
        Generation g = generate(request);
        if (!g.text().isEmpty()) onText.accept(g.text());
        return g;
    }

    @Override
    default void close() {}
}
