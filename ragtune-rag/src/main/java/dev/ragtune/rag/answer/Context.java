package dev.ragtune.rag.answer;

import dev.ragtune.rag.retrieve.Hit;
import java.util.Objects;

/**
 * A retrieved chunk as numbered in the prompt.
 *
 * @param n                1-based number shown to the model as {@code [n]}
 * @param hit              the retrieved chunk
 * @param text             what the prompt shows: the chunk's text, or only its most relevant sentences when the
 *                         prompt budget forced compression
 * @param score            retrieval score, or the re-ranker's score when one ran
 * @param keptSentences    sentences kept in {@code text}
 * @param droppedSentences sentences left out to fit the budget (0 when the chunk went in whole)
 */
public record Context(int n, Hit hit, String text, float score, int keptSentences, int droppedSentences) {
    public Context {
        Objects.requireNonNull(hit, "hit");
        Objects.requireNonNull(text, "text");
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
}
