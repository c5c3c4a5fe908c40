package dev.ragtune.app.api;

import java.util.List;

/**
 * A question to {@code POST /api/ask}; absent fields take the defaults of {@code ragtune ask}.
 *
 * @param question   the question (at most {@link Limits#maxQuestionChars()} characters)
 * @param k          contexts in the prompt (default 2)
 * @param candidates passages retrieved before re-ranking or fusion (default 20)
 * @param mode       {@code dense}, {@code bm25} or {@code hybrid} (default)
 * @param noRag      ask the model without retrieval (needs a generative model)
 * @param sources    only passages of these ingested files (path or file name)
 */
public record AskRequest(String question, Integer k, Integer candidates, String mode, Boolean noRag,
                         List<String> sources) {
    public int kOr(int fallback) {
        return k == null ? fallback : k;
    }

    public int candidatesOr(int fallback) {
        return candidates == null ? fallback : candidates;
    }

    public String modeOr(String fallback) {
        return mode == null ? fallback : mode;
    }

    public boolean noRagOr(boolean fallback) {
        return noRag == null ? fallback : noRag;
    }

    public List<String> sourcesOrNone() {
        return sources == null ? List.of() : sources;
    }
}
