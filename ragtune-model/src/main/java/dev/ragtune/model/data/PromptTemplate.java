package dev.ragtune.model.data;

/**
 * A prompt with {@code {context}} and {@code {question}} placeholders (each optional, at least one present).
 * Placeholders are replaced literally; braces in the context or question are left alone.
 */
public record PromptTemplate(String text) {
    /** The lecture's Portuguese prompt. */
    public static final PromptTemplate DEFAULT =
            new PromptTemplate("Contexto: {context}\nPergunta: {question}\nResponda de forma objetiva:");

    public PromptTemplate {
        if (text == null || (!text.contains("{context}") && !text.contains("{question}"))) {
            throw new IllegalArgumentException("Prompt template must contain {context} and/or {question}: " + text);
        }
    }

    public String format(String context, String question) {
        return text.replace("{context}", context).replace("{question}", question);
    }
}
