package dev.ragtune.rag.answer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How question and contexts become a prompt. {@code {context}} is replaced by the numbered contexts, one per line
 * ({@code [1] …}), and {@code {question}} by the question. The default is the course lecture's Portuguese RAG prompt.
 *
 * @param rag   the template with contexts
 * @param noRag the template for the same question without retrieval (the lecture's comparison)
 */
public record PromptTemplate(String rag, String noRag) {
    public static final String DEFAULT_RAG = """
            Use apenas o contexto dado para responder com objetividade. Cite o número do contexto usado, como [1].

            Contexto:
            {context}

            Pergunta: {question}
            Resposta:""";
    public static final String DEFAULT_NO_RAG = """
            Responda com objetividade.

            Pergunta: {question}
            Resposta:""";
    public static final PromptTemplate DEFAULT = new PromptTemplate(DEFAULT_RAG, DEFAULT_NO_RAG);

    public PromptTemplate {
        Objects.requireNonNull(rag, "rag");
        Objects.requireNonNull(noRag, "noRag");
        require(rag, "{question}", "the RAG template");
        require(rag, "{context}", "the RAG template");
        require(noRag, "{question}", "the no-RAG template");
    }

    private static void require(String template, String placeholder, String what) {
        if (!template.contains(placeholder)) {
            throw new IllegalArgumentException(what + " has no " + placeholder + " placeholder");
        }
    }

    /** Reads a RAG template from a file (UTF-8) and keeps the default no-RAG one. */
    public static PromptTemplate load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return new PromptTemplate(text.strip(), DEFAULT_NO_RAG);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("template " + file + ": " + e.getMessage()
                    + "; write {context} where the numbered passages go and {question} where the question goes");
        }
    }

    public String render(String question, List<Context> contexts) {
        StringBuilder ctx = new StringBuilder();
        for (Context c : contexts) {
            if (ctx.length() > 0) ctx.append('\n');
            ctx.append('[').append(c.n()).append("] ").append(c.text());
        }
        return fill(rag, question, ctx.toString());
    }

    public String renderNoRag(String question) {
        return fill(noRag, question, "");
    }

    /** Replaces the placeholders in one pass, so text inside a context or question is never substituted again. */
    private static String fill(String template, String question, String context) {
        StringBuilder out = new StringBuilder(template.length() + question.length() + context.length());
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("{question}", i)) {
                out.append(question);
                i += "{question}".length();
            } else if (template.startsWith("{context}", i)) {
                out.append(context);
                i += "{context}".length();
            } else {
                out.append(template.charAt(i++));
            }
        }
        return out.toString();
    }
}
