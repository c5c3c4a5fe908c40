package dev.ragtune.rag.answer;

import java.util.Objects;

/**
 * The sentence an extractive answer was taken from, and why.
 *
 * @param n        number of the context it came from, as shown in the prompt
 * @param sentence the sentence
 * @param score    its combined score (higher = better supported); comparable only within one answer
 * @param span     the shortest part of the answer that answers the question's kind (a number for "how many", a
 *                 date for "when", a name for "who"), or an empty string when the question names no kind or the
 *                 answer holds none
 */
public record Evidence(int n, String sentence, double score, String span) {
    public Evidence {
        Objects.requireNonNull(sentence, "sentence");
        span = span == null ? "" : span;
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
}
