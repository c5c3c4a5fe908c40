package dev.ragtune.rag.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Exact match and token F1 of an answer against reference answers, as the official SQuAD v1.1 evaluate script
 * computes them: lower-case, remove ASCII punctuation ({@code string.punctuation}), remove the articles, collapse
 * whitespace (Python's notion of it, no-break spaces included); F1 over the multisets of whitespace tokens; the
 * maximum over the references. Checked against the script's logic on 1,028 cases (AnswerMetricsReferenceTest).
 *
 * <p>Sharp edges, kept on purpose to match the official numbers: an answer that normalises to nothing has F1 0 even
 * against a reference that also normalises to nothing (its exact match is then 1); non-ASCII punctuation such as
 * {@code « » “ ”} is not removed.
 */
public final class AnswerMetrics {
    /** Which articles are dropped. */
    public enum Variant {
        /** SQuAD v1.1: a, an, the. */
        SQUAD(Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS)),
        /** SQuAD v1.1 and the Portuguese articles o, a, os, as, um, uma, uns, umas. */
        PORTUGUESE(Pattern.compile("\\b(a|an|the|o|os|as|um|uma|uns|umas)\\b", Pattern.UNICODE_CHARACTER_CLASS));

        private final Pattern articles;

        Variant(Pattern articles) {
            this.articles = articles;
        }
    }

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private AnswerMetrics() {}

    /** The official normalisation: lower case, no punctuation, no articles, single spaces, trimmed. */
    public static String normalize(String text, Variant variant) {
        Objects.requireNonNull(variant, "variant");
        String s = text == null ? "" : text.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) sb.append(c);
        }
        s = variant.articles.matcher(sb).replaceAll(" ");
        return String.join(" ", tokens(s));
    }

    /** 1 when the normalised prediction equals some normalised reference, else 0 (0 without references). */
    public static double exactMatch(String prediction, List<String> references, Variant variant) {
        String p = normalize(prediction, variant);
        for (String r : references) {
            if (p.equals(normalize(r, variant))) return 1;
        }
        return 0;
    }

    /** The best token F1 of the prediction over the references (0 without references). */
    public static double f1(String prediction, List<String> references, Variant variant) {
        List<String> p = tokens(normalize(prediction, variant));
        double best = 0;
        for (String r : references) best = Math.max(best, f1(p, tokens(normalize(r, variant))));
        return best;
    }

    /**
     * True when the normalised {@code passage} contains some normalised reference as a whole-token run (how a cited
     * chunk is judged to hold the answer). References that normalise to nothing never match.
     */
    public static boolean containsAnswer(String passage, List<String> references, Variant variant) {
        String p = " " + normalize(passage, variant) + " ";
        for (String r : references) {
            String n = normalize(r, variant);
            if (!n.isEmpty() && p.contains(" " + n + " ")) return true;
        }
        return false;
    }

    private static double f1(List<String> prediction, List<String> reference) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : reference) counts.merge(t, 1, Integer::sum);
        int same = 0;
        for (String t : prediction) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        if (same == 0) return 0;
        double precision = same / (double) prediction.size();
        double recall = same / (double) reference.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** Splits on whitespace as Python's {@code str.split()} does: Unicode spaces, no-break spaces included. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= s.length(); i++) {
            boolean space = i == s.length() || isPythonSpace(s.charAt(i));
            if (space && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out;
    }

    /** {@code str.isspace()} of Python 3 for one char: Java whitespace plus the no-break spaces and NEL. */
    static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085';
    }
}
