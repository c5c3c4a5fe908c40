package dev.ragtune.rag.answer;

import dev.ragtune.rag.retrieve.Hit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Fits question and retrieved chunks into the generator's input limit. When the chunks overflow it, they are
 * compressed rather than cut at the tail: every sentence of every chunk is scored against the question, the best
 * sentences are kept while they fit, and each chunk shows its kept sentences in their original order. Chunks left
 * with no sentence are left out and the rest renumbered, so {@code [n]} in the prompt always means the n-th shown.
 */
public final class PromptBuilder {
    /** Tokens kept free for the end-of-sequence token and tokenizer rounding. */
    static final int SAFETY_TOKENS = 4;

    private final PromptTemplate template;
    private final Generator generator;
    private final SentenceScorer scorer;

    public PromptBuilder(PromptTemplate template, Generator generator, SentenceScorer scorer) {
        this.template = Objects.requireNonNull(template, "template");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    /** The question alone, no contexts (the no-RAG comparison); a question over the budget is cut. */
    public Prompt noRag(String question) {
        String q = fitQuestion(question, generator.maxInputTokens() - SAFETY_TOKENS - tokens(template.renderNoRag("")));
        String text = template.renderNoRag(q);
        return new Prompt(text, List.of(), tokens(text), false, !q.equals(question));
    }

    /**
     * The prompt for {@code hits} (in the order given, which is the order shown).
     *
     * @param scores the score to report per hit (retrieval or re-ranker), same order as {@code hits}
     */
    public Prompt build(String question, List<Hit> hits, float[] scores) {
        int limit = generator.maxInputTokens() - SAFETY_TOKENS;
        String q = fitQuestion(question, limit / 2);
        boolean questionCut = !q.equals(question);
        List<Context> whole = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            String text = hits.get(i).chunk().text().strip().replaceAll("\\s+", " ");
            whole.add(new Context(i + 1, hits.get(i), text, scores[i], Sentences.split(text).size(), 0));
        }
        String full = template.render(q, whole);
        int fullTokens = tokens(full);
        if (fullTokens <= limit) return new Prompt(full, whole, fullTokens, false, questionCut);
        return compress(q, whole, limit, questionCut);
    }

    private Prompt compress(String question, List<Context> whole, int limit, boolean questionCut) {
        int available = limit - tokens(template.render(question, List.of()));
        List<String> sentences = new ArrayList<>();
        List<int[]> where = new ArrayList<>(); // {context index, sentence index}
        for (int c = 0; c < whole.size(); c++) {
            List<String> ss = Sentences.split(whole.get(c).text());
            for (int s = 0; s < ss.size(); s++) {
                sentences.add(ss.get(s));
                where.add(new int[] {c, s});
            }
        }
        float[] relevance = scorer.score(question, sentences);
        Integer[] order = new Integer[sentences.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -relevance[i]).thenComparingInt(i -> i));
        boolean[] kept = new boolean[sentences.size()];
        boolean[] opened = new boolean[whole.size()];
        int used = 0;
        for (int i : order) {
            int c = where.get(i)[0];
            int cost = tokens(sentences.get(i)) + 1 + (opened[c] ? 0 : tokens("[" + (c + 1) + "]") + 1);
            if (used + cost > available) continue;
            used += cost;
            kept[i] = true;
            opened[c] = true;
        }
        while (true) {
            List<Context> shown = assemble(whole, sentences, where, kept);
            String text = template.render(question, shown);
            int t = tokens(text);
            if (t <= limit || shown.isEmpty()) return new Prompt(text, shown, t, true, questionCut);
            // tokenizers are not exactly additive: drop the least relevant kept sentence and try again
            for (int j = order.length - 1; j >= 0; j--) {
                if (kept[order[j]]) {
                    kept[order[j]] = false;
                    break;
                }
            }
        }
    }

    private static List<Context> assemble(List<Context> whole, List<String> sentences, List<int[]> where, boolean[] kept) {
        List<Context> shown = new ArrayList<>();
        for (int c = 0; c < whole.size(); c++) {
            StringBuilder text = new StringBuilder();
            int keptCount = 0;
            int total = 0;
            for (int i = 0; i < sentences.size(); i++) {
                if (where.get(i)[0] != c) continue;
                total++;
                if (!kept[i]) continue;
                if (text.length() > 0) text.append(' ');
                text.append(sentences.get(i));
                keptCount++;
            }
            if (keptCount == 0) continue;
            Context w = whole.get(c);
            shown.add(new Context(shown.size() + 1, w.hit(), text.toString(), w.score(), keptCount, total - keptCount));
        }
        return shown;
    }

    private String fitQuestion(String question, int budget) {
        if (tokens(question) <= budget) return question;
        String[] words = question.strip().split("\\s+");
        int lo = 1;
        int hi = words.length;
        while (lo < hi) { // longest word prefix that fits
            int mid = (lo + hi + 1) >>> 1;
            if (tokens(String.join(" ", Arrays.copyOf(words, mid))) <= budget) lo = mid;
            else hi = mid - 1;
        }
        return String.join(" ", Arrays.copyOf(words, lo));
    }

    private int tokens(String text) {
        return generator.countTokens(text);
    }
}
