package dev.ragtune.app.api;

/**
 * Bounds every question and search must stay within, in the server and the CLI alike: without them one request with
 * {@code k = 2^31} or a 10 MB question takes the memory or the cores of everyone else.
 *
 * @param maxK               most hits or contexts a request may ask for
 * @param maxCandidates      most passages retrieved before re-ranking or fusion
 * @param maxQuestionChars   longest question or query, in characters
 * @param maxUploadBytes     largest upload (all files of one request together)
 */
public record Limits(int maxK, int maxCandidates, int maxQuestionChars, long maxUploadBytes) {
    public static final Limits DEFAULTS = new Limits(50, 200, 2_000, 200L * 1024 * 1024);

    public Limits {
        if (maxK < 1 || maxCandidates < 1 || maxQuestionChars < 1 || maxUploadBytes < 1) {
            throw new IllegalArgumentException("limits must be >= 1: k " + maxK + ", candidates " + maxCandidates
                    + ", question chars " + maxQuestionChars + ", upload bytes " + maxUploadBytes);
        }
    }

    /** Checks {@code k} (named {@code field} in the message). */
    public int k(String field, int k) {
        if (k < 1 || k > maxK) {
            throw new IllegalArgumentException(field + " must be between 1 and " + maxK + ", was " + k);
        }
        return k;
    }

    /** Checks a candidate depth (named {@code field} in the message). */
    public int candidates(String field, int candidates) {
        if (candidates < 1 || candidates > maxCandidates) {
            throw new IllegalArgumentException(field + " must be between 1 and " + maxCandidates + ", was " + candidates);
        }
        return candidates;
    }

    /** Checks a question or query: not blank, not longer than the bound. */
    public String question(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the " + field + " is empty: ask something, e.g. \"What does LoRA freeze?\"");
        }
        if (text.length() > maxQuestionChars) {
            throw new IllegalArgumentException("the " + field + " has " + text.length() + " characters; at most "
                    + maxQuestionChars + " are accepted");
        }
        return text;
    }
}
