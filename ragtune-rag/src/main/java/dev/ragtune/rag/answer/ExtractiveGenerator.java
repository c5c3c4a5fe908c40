package dev.ragtune.rag.answer;

import dev.ragtune.rag.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer when no generator model is installed: the sentence of the retrieved contexts that best answers the
 * question, chosen by {@link SentenceSelection} from the question–sentence relevance (the embedder's cosine, or the
 * re-ranker when one is given), the question's content words it shares, its neighbourhood, its context's rank and
 * the kind of answer the question asks for. A sentence of fewer than {@value #SHORT_WORDS} words is joined by the
 * next sentence of its context, so an answer is never a bare heading. It copies text, so its citations are exact:
 * the context it copied from; {@link Generation#evidence()} holds the sentence, its score and the answering span.
 */
public final class ExtractiveGenerator implements Generator {
    static final int SHORT_WORDS = 6;

    private final Embedder embedder;
    private final SentenceScorer scorer;
    private final String id;
    private final ContentWords words = new ContentWords();
    private final SentenceSelection selection;

    /**
     * @param embedder counts tokens and, unless {@code scorer} is given, scores sentences
     * @param scorer   scores sentences, e.g. {@link SentenceScorer#byReranker}; null for the embedder's cosine
     */
    public ExtractiveGenerator(Embedder embedder, SentenceScorer scorer) {
        this(embedder, scorer, SentenceSelection.DEFAULT);
    }

    ExtractiveGenerator(Embedder embedder, SentenceScorer scorer, SentenceSelection.Weights weights) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.scorer = scorer != null ? scorer : SentenceScorer.byEmbedding(embedder);
        this.id = "extractive(" + embedder.id() + (scorer != null ? " + re-ranker" : "") + ")";
        this.selection = new SentenceSelection(words, Objects.requireNonNull(weights, "weights"));
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
        List<List<String>> perContext = new ArrayList<>();
        for (Context context : request.contexts()) {
            List<String> ss = Sentences.split(context.text());
            perContext.add(ss);
            sentences.addAll(ss);
        }
        if (sentences.isEmpty()) return new Generation("", List.of());
        float[] relevance = scorer.score(request.question(), sentences);
        List<SentenceSelection.Candidate> candidates = selection.score(request.question(), perContext, relevance);
        SentenceSelection.Candidate best = candidates.get(0);
        for (SentenceSelection.Candidate c : candidates) {
            if (c.score() > best.score()) best = c; // ties keep the earlier (better retrieved) sentence
        }
        List<String> own = perContext.get(best.context());
        int from = best.index();
        int to = best.index() + 1;
        if (best.text().split("\\s+").length < SHORT_WORDS && to < own.size()) {
            to++;
        } else if (selection.weights().pairMargin() > 0) {
            // the next sentence first: an answer often follows the sentence that repeats the question's words
            double floor = best.score() - selection.weights().pairMargin();
            int at = candidates.indexOf(best);
            if (at + 1 < candidates.size() && candidates.get(at + 1).context() == best.context()
                    && candidates.get(at + 1).score() >= floor) {
                to++;
            } else if (best.index() > 0 && candidates.get(at - 1).score() >= floor) {
                from--;
            }
        }
        String text = String.join(" ", own.subList(from, to));
        int n = request.contexts().get(best.context()).n();
        Evidence evidence = new Evidence(n, best.text(), best.score(),
                SentenceSelection.span(request.question(), text));
        return new Generation(text, List.of(n), evidence);
    }

    @Override
    public void close() {
        words.close();
    }
}
