package dev.ragtune.rag.answer;

import dev.ragtune.rag.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer when no generator model is installed: the best-supported sentence of the retrieved contexts, picked
 * by the embedder's cosine with the question (or by the re-ranker when one is given). A sentence of fewer than
 * {@value #SHORT_WORDS} words is joined by the next sentence of its context, so an answer is never a bare heading.
 * It copies text, so its citations are exact: the context it copied from.
 */
public final class ExtractiveGenerator implements Generator {
    static final int SHORT_WORDS = 6;

    private final Embedder embedder;
    private final SentenceScorer scorer;
    private final String id;

    /**
     * @param embedder counts tokens and, unless {@code scorer} is given, scores sentences
     * @param scorer   scores sentences, e.g. {@link SentenceScorer#byReranker}; null for the embedder's cosine
     */
    public ExtractiveGenerator(Embedder embedder, SentenceScorer scorer) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.scorer = scorer != null ? scorer : SentenceScorer.byEmbedding(embedder);
        this.id = "extractive(" + embedder.id() + (scorer != null ? " + re-ranker" : "") + ")";
    }

    @Override
    public String mode() {
        return "extractive";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int countTokens(String text) {
        return embedder.count(text);
    }

    /** It reads contexts, not a prompt: the budget only keeps the prompt shown to the user sensible. */
    @Override
    public int maxInputTokens() {
        return 2048;
    }

    @Override
    public Generation generate(GenerationRequest request) {
        if (request.contexts().isEmpty()) {
            throw new IllegalArgumentException("the extractive answerer copies sentences from retrieved contexts, so it "
                    + "cannot answer without them; for --no-rag give a generative model with --model");
        }
        List<String> sentences = new ArrayList<>();
        List<int[]> where = new ArrayList<>(); // {context position, sentence index}
        List<List<String>> perContext = new ArrayList<>();
        for (int c = 0; c < request.contexts().size(); c++) {
            List<String> ss = Sentences.split(request.contexts().get(c).text());
            perContext.add(ss);
            for (int s = 0; s < ss.size(); s++) {
                sentences.add(ss.get(s));
                where.add(new int[] {c, s});
            }
        }
        if (sentences.isEmpty()) return new Generation("", List.of());
        float[] scores = scorer.score(request.question(), sentences);
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) best = i; // ties keep the earlier (better retrieved) sentence
        }
        int c = where.get(best)[0];
        int s = where.get(best)[1];
        String text = sentences.get(best);
        if (text.split("\\s+").length < SHORT_WORDS && s + 1 < perContext.get(c).size()) {
            text = text + " " + perContext.get(c).get(s + 1);
        }
        return new Generation(text, List.of(request.contexts().get(c).n()));
    }
}
