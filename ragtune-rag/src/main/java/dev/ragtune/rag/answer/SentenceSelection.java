package dev.ragtune.rag.answer;

import dev.ragtune.rag.document.Language;
import dev.ragtune.rag.document.LanguageGuess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the sentence that answers a question from the retrieved contexts by five signals, each in [0, 1]:
 * <ul>
 *   <li>semantic: the scorer's relevance (embedding cosine or re-ranker), min-max scaled over the candidates;</li>
 *   <li>lexical: the idf-weighted share of the question's content words (stems) the sentence contains, idf counted
 *       over the candidate sentences as in BM25 (words in no sentence are left out: they tell none apart);</li>
 *   <li>neighbourhood: the lexical share of the sentence before it (an answer often follows the sentence that
 *       repeats the question's words);</li>
 *   <li>rank: 1 / the rank of its context in the retrieval;</li>
 *   <li>cue: 1 when the question asks for a number, date, name or place ({@link QuestionCue}) and the sentence holds
 *       one the question does not.</li>
 * </ul>
 * The score is their weighted sum ({@link Weights}). Pure: the scorer is the only model it calls.
 */
final class SentenceSelection {
    /**
     * Weights of the signals.
     *
     * @param pairMargin a neighbour of the best sentence whose score is within this of the best joins the answer
     *                   (two sentences; 0 never joins)
     */
    record Weights(double semantic, double lexical, double neighbourhood, double rank, double cue, double pairMargin) {}

    /**
     * Tuned by a grid on the tuning slices of SQuAD v1.1 dev and FaQuAD (the held-out check is
     * ExtractiveAnswerQualityTest; the grid is in docs/BENCHMARKS.md). The lexical share matters most (cosine alone:
     * 0.73 / 0.58 of answers contain the gold answer; with idf overlap at weight 2: 0.83 / 0.84); a neighbour within
     * 1.0 of the best joins it, which lifts that to 0.90 / 0.89 at 1.5 / 1.3 sentences per answer.
     */
    static final Weights DEFAULT = new Weights(1.0, 2.0, 0.3, 0.2, 0.3, 1.0);

    /** One candidate sentence: where it is and its scores. */
    record Candidate(int context, int index, String text, double score) {}

    private final ContentWords words;
    private final Weights weights;

    SentenceSelection(ContentWords words, Weights weights) {
        this.words = words;
        this.weights = weights;
    }

    /**
     * Scores every sentence.
     *
     * @param perContext the sentences of each context, in context order (best retrieved first)
     * @param semantic   the scorer's score of each sentence, flattened in the same order
     */
    List<Candidate> score(String question, List<List<String>> perContext, float[] semantic) {
        StringBuilder all = new StringBuilder(question);
        for (List<String> ss : perContext) for (String s : ss) all.append(' ').append(s);
        Language language = LanguageGuess.of(all);
        Set<String> asked = new HashSet<>(words.of(question, language));
        List<Set<String>> terms = new ArrayList<>();
        Map<String, Integer> df = new HashMap<>();
        for (List<String> ss : perContext) {
            for (String s : ss) {
                Set<String> t = new HashSet<>(words.of(s, language));
                terms.add(t);
                for (String w : t) if (asked.contains(w)) df.merge(w, 1, Integer::sum);
            }
        }
        int n = terms.size();
        Map<String, Double> idf = new HashMap<>();
        double idfSum = 0;
        for (String w : asked) {
            int d = df.getOrDefault(w, 0);
            if (d == 0) continue; // in no sentence: it tells none apart
            double v = Math.log(1 + (n - d + 0.5) / (d + 0.5));
            idf.put(w, v);
            idfSum += v;
        }
        double[] lexical = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (String w : terms.get(i)) if (idf.containsKey(w)) s += idf.get(w);
            lexical[i] = idfSum > 0 ? s / idfSum : 0;
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float x : semantic) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        QuestionCue cue = QuestionCue.of(question);
        List<Candidate> out = new ArrayList<>(n);
        int i = 0;
        for (int c = 0; c < perContext.size(); c++) {
            List<String> ss = perContext.get(c);
            for (int s = 0; s < ss.size(); s++, i++) {
                double sem = hi > lo ? (semantic[i] - lo) / (hi - lo) : 1;
                double prev = s > 0 ? lexical[i - 1] : 0;
                double typed = cue != QuestionCue.NONE && !cue.candidates(ss.get(s), question).isEmpty() ? 1 : 0;
                double score = weights.semantic() * sem + weights.lexical() * lexical[i]
                        + weights.neighbourhood() * prev + weights.rank() / (c + 1) + weights.cue() * typed;
                out.add(new Candidate(c, s, ss.get(s), score));
            }
        }
        return out;
    }

    /** The part of {@code answer} that answers {@code question}'s kind: its first phrase of that kind, or "". */
    static String span(String question, String answer) {
        List<String> c = QuestionCue.of(question).candidates(answer, question);
        return c.isEmpty() ? "" : c.get(0);
    }

    Weights weights() {
        return weights;
    }
}
